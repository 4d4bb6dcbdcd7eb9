"""E-mail over SMTP with the app's GRIDOPS_SMTP_* settings."""
import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

from gridops.notify.http import DeliveryError


def send_email(channel, message, config, now):
    """Send the message to the channel's address."""
    host = config.get("GRIDOPS_SMTP_HOST")
    if not host:
        raise DeliveryError("e-mail is not configured: set GRIDOPS_SMTP_HOST")
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = (config["GRIDOPS_SMTP_FROM"], channel.target,
                                                 message.subject)
    mail.set_content(message.body)
    for attachment in (message.payload or {}).get("attachments", []):
        _attach(mail, attachment)
    try:
        with _connect(host, config) as smtp:
            if config.get("GRIDOPS_SMTP_USER"):
                smtp.login(config["GRIDOPS_SMTP_USER"], config["GRIDOPS_SMTP_PASSWORD"])
            smtp.send_message(mail)
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"SMTP {host}: {error}") from None


def _attach(mail, attachment):
    """Add a file (a weekly report's PDF or XLSX) that must still match its checksum."""
    try:
        data = Path(attachment["path"]).read_bytes()
    except OSError as error:
        raise DeliveryError(f"attachment {attachment['filename']}: {error}") from None
    if hashlib.sha256(data).hexdigest() != attachment["sha256"]:
        raise DeliveryError(f"attachment {attachment['filename']} changed since it was archived")
    maintype, _, subtype = attachment["media_type"].partition("/")
    mail.add_attachment(data, maintype=maintype, subtype=subtype,
                        filename=attachment["filename"])


def _connect(host, config):
    port, timeout = config["GRIDOPS_SMTP_PORT"], config["GRIDOPS_WEBHOOK_TIMEOUT"]
    security = config.get("GRIDOPS_SMTP_SECURITY", "starttls")
    if security == "ssl":
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    smtp = smtplib.SMTP(host, port, timeout=timeout)
    if security == "starttls":
        try:
            smtp.starttls(context=ssl.create_default_context())
        except (smtplib.SMTPException, OSError):
            smtp.close()
            raise
    return smtp

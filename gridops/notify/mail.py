"""E-mail over SMTP with the app's GRIDOPS_SMTP_* settings."""
import smtplib
import ssl
from email.message import EmailMessage

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
    try:
        with _connect(host, config) as smtp:
            if config.get("GRIDOPS_SMTP_USER"):
                smtp.login(config["GRIDOPS_SMTP_USER"], config["GRIDOPS_SMTP_PASSWORD"])
            smtp.send_message(mail)
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"SMTP {host}: {error}") from None


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

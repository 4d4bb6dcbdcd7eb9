"""Why a photo was refused, in words the person who sent it can act on."""
from gridops.errors import DomainError


class PhotoRefused(DomainError):
    code = "photo_refused"
    template = "The photo was refused."


class PhotoTooLarge(PhotoRefused):
    code = "photo_too_large"
    template = "The photo is larger than %(limit)s MB. Take it again or choose a smaller one."


class NotAnImage(PhotoRefused):
    code = "not_an_image"
    template = "This file is not a photo (JPEG, PNG, WebP or GIF). Choose a photo."


class TooManyPixels(PhotoRefused):
    code = "photo_too_many_pixels"
    template = ("The image is too large to open (more than %(limit)s million pixels). "
                "Choose a normal photo.")


class TooManyPhotos(PhotoRefused):
    code = "too_many_photos"
    template = "At most %(limit)s photos per report."


class StorageFull(PhotoRefused):
    """The disk (or quota) under GRIDOPS_UPLOAD_DIR is full: not the sender's fault, and worth
    sending again later (507, which the phone's outbox retries)."""

    code = "storage_full"
    template = ("The server has no room to store photos just now, so this photo was not saved. "
                "The report itself is kept; send the photo again later.")


class UnknownPhoto(PhotoRefused):
    code = "unknown_photo"
    template = "No uploaded photo %(sha)s: upload it first (POST /photos)."

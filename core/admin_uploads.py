"""The site's upload checks for model forms that have none of their own: the admin.

A new file goes through the same cleaner of ``umkm.images`` as on the site, so staff
cannot store what an owner could not (an HTML page named .png, a PDF with scripts, a
decompression bomb, a GIF with a page behind it), and what is stored is re-encoded
under a generated name.
"""

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile


class CheckedUploadsForm(forms.ModelForm):
    """``upload_cleaners`` maps a file field's name to its cleaner in ``umkm.images``."""

    upload_cleaners: dict[str, Callable] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.upload_cleaners:
            field = self.fields.get(name)
            if isinstance(field, forms.ImageField):
                # A plain file field: the cleaner decides what the bytes are and says
                # what is wrong, instead of Django's "not a valid image" for everything.
                self.fields[name] = forms.FileField(
                    label=field.label,
                    required=field.required,
                    help_text=field.help_text,
                    widget=field.widget,
                    max_length=field.max_length,
                )

    def clean(self):
        data = super().clean()
        for name, cleaner in self.upload_cleaners.items():
            upload = data.get(name)
            if isinstance(upload, UploadedFile):  # a new file, not the stored one
                try:
                    data[name] = cleaner(upload)
                except ValidationError as error:
                    self.add_error(name, error)
        return data


def checked_uploads_form(**cleaners: Callable) -> type[CheckedUploadsForm]:
    """A form class for ``ModelAdmin.form``: ``checked_uploads_form(logo=clean_logo_upload)``."""
    return type(
        "CheckedUploadsForm",
        (CheckedUploadsForm,),
        {"upload_cleaners": cleaners, "__module__": __name__},
    )

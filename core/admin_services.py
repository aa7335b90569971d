"""The Django admin as one more door: its writes go through the services.

A model admin whose ``save_model``/``save_related``/``delete_model`` call services can
meet a refusal only at save time, after the form was found valid (a session moved
into the past, an owner who already has a business, more photos than allowed). With
``ServiceAdminMixin`` such a refusal is not a server error: the admin's transaction is
rolled back and the page comes back with what staff entered and the service's
message, on the field it names or above the form, as the site's pages show it. A
refused deletion goes back to the object's page with the message.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpResponseRedirect
from django.urls import reverse


def mirror_saved(obj, saved) -> None:
    """Make the admin's ``obj`` the row a service saved (the admin logs and links it)."""
    obj.pk = saved.pk
    obj._state.adding, obj._state.db = False, saved._state.db
    obj.refresh_from_db()


def show_refusal(form: BaseForm, refusal: ValidationError) -> None:
    """Put a service's refusal on ``form``: per field where the form has that field."""
    if hasattr(refusal, "error_dict"):
        for field, errors in refusal.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal)


class ServiceAdminMixin:
    """For a ``ModelAdmin`` whose writes call services that may refuse with
    ``ValidationError`` (put it before ``admin.ModelAdmin`` in the bases)."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        storage = getattr(request, "_messages", None)
        queued = len(getattr(storage, "_queued_messages", []))
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            if request.method != "POST" or getattr(request, "_service_refusal", None):
                raise
            request._service_refusal = refusal
        if storage is not None:  # what the rolled-back attempt said did not happen
            del storage._queued_messages[queued:]
        # The transaction is rolled back. Build the page again from what was sent; the
        # form is invalid this time, with the refusal on it, so nothing is saved.
        for _name, uploads in request.FILES.lists():
            for upload in uploads:
                upload.seek(0)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form

        class Refused(form):
            def _post_clean(self):
                super()._post_clean()
                show_refusal(self, refusal)

        Refused.__name__ = form.__name__
        return Refused

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as refusal:
            for message in refusal.messages:
                self.message_user(request, message, messages.ERROR)
            opts = self.model._meta
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change",
                args=[object_id],
                current_app=self.admin_site.name,
            )
            return HttpResponseRedirect(url)


class WrittenOnTheSiteMixin:
    """For records that people write through the site's services (a buyer's inquiry or
    shortlist, a thread's messages, a supplier's quote, a mentor's log and action items):
    the admin shows and moderates them, with the workflow actions, but does not add them
    or change what was written, which would skip the service (its notifications, its
    checks, the thread's state)."""

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        written = [f.name for f in self.model._meta.fields if f.editable]
        return [*super().get_readonly_fields(request, obj), *written]

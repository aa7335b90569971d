"""What a browser sends back for a rendered form: site forms and admin change forms.

Tests that change one value of a long form (a business profile, an admin change page
with inlines) start from this and override what they change.
"""

from django import forms
from django.test import Client


def form_data(form) -> dict:
    """What a browser would send back for ``form`` as rendered (without files)."""
    data = {}
    for bound in form:
        field, value = bound.field, bound.value()
        if isinstance(field, forms.FileField) or value is None:
            continue
        if isinstance(field.widget, forms.MultiWidget):
            parts = value if isinstance(value, list) else field.widget.decompress(value)
            for index, part in enumerate(parts):
                if part is not None:
                    data[f"{bound.html_name}_{index}"] = part
            continue
        if isinstance(field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
            continue
        if not isinstance(field, forms.JSONField):  # value() already wrote it as JSON
            value = field.prepare_value(value)
        data[bound.html_name] = [str(v) for v in value] if isinstance(value, list) else value
    return data


def admin_data(client: Client, url: str) -> dict:
    """The admin change (or add) form of ``url``, with its inlines, as sent."""
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    data = form_data(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        data.update(form_data(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(form_data(form))
    return data


def signed_in(user) -> Client:
    """A browser session of ``user`` (None: an anonymous visitor)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client

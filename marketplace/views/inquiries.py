"""Inquiries (RFQ to one supplier), their threads and inboxes; buying requests (RFQ to
many) and quotes.

Who may see a thread is decided by ``selectors.inquiries_visible_to`` and who may see a
buying request by ``selectors.buying_requests_visible_to``; anything outside them
answers 404. A signed-in user of the
wrong role on a page that is not about one object gets 403, as elsewhere.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView

from accounts.permissions import RoleRequiredMixin, StaffRequiredMixin
from core.files import private_download
from core.http import safe_next
from core.idempotency import AlreadySubmitted
from core.personal_pages import PersonalPageMixin, render_personal_page
from marketplace import selectors, services
from marketplace.countries import country_name
from marketplace.forms.inquiries import (
    BuyingRequestForm,
    InboxFilterForm,
    InquiryForm,
    OutcomeForm,
    QuoteForm,
    ReplyForm,
)
from marketplace.models import (
    LOST_REASON_CHOICES,
    MAX_QUOTATION_ROUNDS,
    BuyingRequest,
    Inquiry,
    InquiryMessage,
    Quote,
)
from notifications.models import Notification
from umkm.models import Business, Product

# The inbox's state of a thread whose last message is the buyer's (supplier's side).
NEEDS_REPLY = "needs_reply"

WRITER_ROLES = (
    InquiryMessage.Role.BUYER,
    InquiryMessage.Role.SUPPLIER,
    InquiryMessage.Role.ADVISOR,
)


# Scoping -----------------------------------------------------------------------------


def inquiry_to_view(user, pk: int) -> Inquiry:
    return get_object_or_404(
        selectors.inquiries_visible_to(user).select_related(
            "buyer__buyer_profile", "business__owner", "product", "quote__request"
        ),
        pk=pk,
    )


def owner_business(user) -> Business | None:
    if not (user.is_authenticated and user.is_owner):
        return None
    return Business.objects.filter(owner=user).first()


def _already_sent(request, error: AlreadySubmitted, to):
    """A repeated submission (double click, retry): say so and show what was sent."""
    messages.info(request, error.messages[0])
    return redirect(to)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict") and not set(exc.error_dict) <= set(form.fields):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, exc)


# Inquiries ---------------------------------------------------------------------------


class InquiryCreateView(RoleRequiredMixin, FormView):
    """A buyer's inquiry about a listed product (``target="product"``) or to a
    supplier (``target="supplier"``). Draft, archived or hidden targets answer 404."""

    required_role = "buyer"
    form_class = InquiryForm
    template_name = "marketplace/inquiries/inquiry_form.html"
    target = "product"

    def dispatch(self, request, *args, **kwargs):
        self.product = self.business = None
        if request.user.is_authenticated and request.user.is_buyer:
            if self.target == "product":
                self.product = get_object_or_404(
                    Product.objects.listed().select_related("business"), slug=kwargs["slug"]
                )
                self.business = self.product.business
            else:
                self.business = get_object_or_404(
                    selectors.public_businesses(), slug=kwargs["slug"]
                )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "product": self.product}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            product=self.product,
            business=self.business,
            can_send=services.buyer_can_send(user=self.request.user),
            unverified_message=services.MSG_UNVERIFIED,
            **kwargs,
        )

    def form_valid(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "website_url"}
        try:
            inquiry = services.inquiry_create(
                buyer=self.request.user, business=self.business, product=self.product, **data
            )
        except AlreadySubmitted as exc:
            return _already_sent(self.request, exc, exc.instance)
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your inquiry was sent to %(business)s. You will get an email when they answer.")
            % {"business": self.business.name},
        )
        return redirect(inquiry)


class InquiryListView(LoginRequiredMixin, PersonalPageMixin, ListView):
    """The inbox: a buyer's own threads, an owner's business's, a mentor's mentees',
    all for staff (spam only when filtered for)."""

    template_name = "marketplace/inquiries/inquiry_list.html"
    context_object_name = "inquiries"
    paginate_by = 25

    def get_queryset(self):
        user = self.request.user
        self.filter_form = InboxFilterForm(self.request.GET or None, staff=user.is_staff)
        status = self.filter_form.cleaned_data["status"] if self.filter_form.is_valid() else ""
        queryset = selectors.inbox_for(user, status=status)
        last_role = (
            InquiryMessage.objects.filter(inquiry=OuterRef("pk"))
            .exclude(author_role=InquiryMessage.Role.ADVISOR)
            .order_by("-created_at", "-id")
            .values("author_role")[:1]
        )
        return (
            queryset.select_related("buyer__buyer_profile", "business", "product")
            .annotate(last_role=Subquery(last_role))
            .order_by("-last_message_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = list(context["inquiries"])
        urls = {row.pk: row.get_absolute_url() for row in rows}
        unread = set(
            Notification.objects.filter(
                recipient=user, read_at__isnull=True, url__in=urls.values()
            ).values_list("url", flat=True)
        )
        supplier_side = not user.is_buyer
        for row in rows:
            row.is_unread = urls[row.pk] in unread
            # One state per row: on the supplier's side, a thread whose last word is
            # the buyer's "needs a reply" (not also "answered" or "not answered yet").
            row.needs_reply = (
                supplier_side
                and row.status in (Inquiry.Status.OPEN, Inquiry.Status.REPLIED)
                and row.last_role == InquiryMessage.Role.BUYER
            )
            row.viewer_status = (
                NEEDS_REPLY
                if row.needs_reply
                else services.inquiry_status_for(inquiry=row, user=user)
            )
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            inquiries=rows,
            filter_form=self.filter_form,
            filter_query=query.urlencode(),
        )
        return context


def _thread_context(request, inquiry: Inquiry, **forms) -> dict:
    user = request.user
    role = services.inquiry_role_for(inquiry=inquiry, user=user)
    can_write = role in WRITER_ROLES and inquiry.status != Inquiry.Status.CLOSED
    is_owner = role == InquiryMessage.Role.SUPPLIER
    context = {
        "inquiry": inquiry,
        "role": role,
        "thread": list(selectors.thread_messages(inquiry, role)),
        "viewer_status": services.inquiry_status_for(inquiry=inquiry, user=user),
        "destination": country_name(inquiry.destination_country),
        "can_write": can_write,
        "is_owner": is_owner,
        "is_advisor": role == InquiryMessage.Role.ADVISOR,
        "is_buyer": role == InquiryMessage.Role.BUYER,
        "reply_form": forms.get("reply_form") or (ReplyForm() if can_write else None),
    }
    deal = selectors.deal_of(inquiry)
    context.update(
        deal=deal,
        # The buyer sees how the deal ended when they took part in it (an accepted
        # quotation, a reason they or the owner gave and they were told); an outcome
        # the owner only noted for themselves stays on the supplier's side.
        show_outcome=(
            role != InquiryMessage.Role.BUYER or deal["accepted"] is not None or inquiry.lost_reason
        ),
        lost_reasons=LOST_REASON_CHOICES,
        max_rounds=MAX_QUOTATION_ROUNDS,
    )
    if is_owner:
        context["outcome_form"] = forms.get("outcome_form") or OutcomeForm(
            initial={"outcome": inquiry.outcome or None, "deal_value_usd": inquiry.deal_value_usd}
        )
    return context


class InquiryDetailView(LoginRequiredMixin, View):
    template_name = "marketplace/inquiries/inquiry_detail.html"

    def get(self, request, pk):
        """A thread kept for this reader (``core.personal_pages``) was rendered after
        the lookup below let them in, and nothing has been written since: not a
        membership, not a message, not a read notification. So it is served as it is;
        otherwise the lookup runs (404 for anyone else), the thread's notifications are
        read and the page is rendered."""

        def thread() -> dict:
            inquiry = inquiry_to_view(request.user, pk)
            services.inquiry_mark_read(inquiry=inquiry, user=request.user)
            return _thread_context(request, inquiry)

        return render_personal_page(request, self.template_name, thread)


class InquiryReplyView(LoginRequiredMixin, View):
    def post(self, request, pk):
        inquiry = inquiry_to_view(request.user, pk)
        role = services.inquiry_role_for(inquiry=inquiry, user=request.user)
        if role not in WRITER_ROLES:
            raise PermissionDenied  # staff moderate, they do not take part
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.inquiry_message_create(
                    inquiry=inquiry,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    attachment=form.cleaned_data.get("attachment"),
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except AlreadySubmitted as exc:
                return _already_sent(request, exc, f"{inquiry.get_absolute_url()}#latest")
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                if role == InquiryMessage.Role.ADVISOR:
                    messages.success(request, _("Your advice is saved. The buyer does not see it."))
                else:
                    messages.success(request, _("Your message was sent."))
                return redirect(f"{inquiry.get_absolute_url()}#latest")
        return render(
            request,
            InquiryDetailView.template_name,
            _thread_context(request, inquiry, reply_form=form),
        )


class InquiryOutcomeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        inquiry = inquiry_to_view(request.user, pk)
        if request.user.pk != inquiry.business.owner_id:
            raise PermissionDenied
        form = OutcomeForm(request.POST)
        if form.is_valid():
            try:
                services.inquiry_record_outcome(
                    inquiry=inquiry,
                    actor=request.user,
                    outcome=form.cleaned_data["outcome"],
                    deal_value_usd=form.cleaned_data.get("deal_value_usd"),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The outcome is recorded."))
                return redirect(inquiry)
        return render(
            request,
            InquiryDetailView.template_name,
            _thread_context(request, inquiry, outcome_form=form),
        )


class InquirySpamView(StaffRequiredMixin, View):
    def post(self, request, pk):
        inquiry = get_object_or_404(Inquiry, pk=pk)
        spam = request.POST.get("spam", "1") != "0"
        services.inquiry_mark_spam(inquiry=inquiry, staff=request.user, spam=spam)
        if spam:
            messages.success(
                request, _("The inquiry is marked as spam; the supplier no longer sees it.")
            )
        else:
            messages.success(request, _("The inquiry is no longer marked as spam."))
        return redirect(safe_next(request, inquiry.get_absolute_url()))


class InquiryAttachmentView(LoginRequiredMixin, View):
    """Attachments live in the private storage and reach only thread participants."""

    def get(self, request, pk, message_pk):
        inquiry = inquiry_to_view(request.user, pk)
        role = services.inquiry_role_for(inquiry=inquiry, user=request.user)
        message = get_object_or_404(selectors.thread_messages(inquiry, role), pk=message_pk)
        if not message.attachment:
            raise Http404
        name = message.attachment.name.rsplit("/", 1)[-1]
        return private_download(message.attachment, filename=name)


# Buying requests and quotes ----------------------------------------------------------

QUOTE_SORTS = {
    "price": ("price_usd", gettext_lazy("price")),
    "moq": ("moq", gettext_lazy("minimum order")),
    "lead_time": ("lead_time_days", gettext_lazy("lead time")),
}


class BuyingRequestListView(LoginRequiredMixin, ListView):
    """Buyers: their requests. Owners: open requests matching their listed products.
    Staff: all. Mentors have no business here (403)."""

    template_name = "marketplace/inquiries/buying_request_list.html"
    context_object_name = "buying_requests"
    paginate_by = 25

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (user.is_staff or user.is_buyer or user.is_owner):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        queryset = selectors.buying_requests_visible_to(user).select_related("category__parent")
        if user.is_owner and not user.is_staff:
            business = owner_business(user)
            quoted = Quote.objects.filter(request=OuterRef("pk"), business=business)
            return (
                queryset.filter(
                    status=BuyingRequest.Status.OPEN, valid_until__gte=timezone.localdate()
                )
                .annotate(quoted=Exists(quoted))
                .order_by("valid_until", "-pk")
            )
        return queryset.annotate(quote_count=Count("quotes")).order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_post"] = services.buyer_can_send(user=self.request.user)
        context["today"] = timezone.localdate()
        return context


class BuyingRequestCreateView(RoleRequiredMixin, FormView):
    required_role = "buyer"
    form_class = BuyingRequestForm
    template_name = "marketplace/inquiries/buying_request_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_send=services.buyer_can_send(user=self.request.user),
            unverified_message=services.MSG_UNVERIFIED,
            **kwargs,
        )

    def form_valid(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "website_url"}
        try:
            buying_request = services.buying_request_create(buyer=self.request.user, **data)
        except AlreadySubmitted as exc:
            return _already_sent(self.request, exc, exc.instance)
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your buying request is posted. Suppliers with matching products are told."),
        )
        return redirect(buying_request)


def buying_request_to_view(user, pk: int) -> BuyingRequest:
    return get_object_or_404(
        selectors.buying_requests_visible_to(user).select_related(
            "buyer__buyer_profile", "category__parent"
        ),
        pk=pk,
    )


class BuyingRequestDetailView(LoginRequiredMixin, View):
    template_name = "marketplace/inquiries/buying_request_detail.html"

    def get(self, request, pk):
        user = request.user
        buying_request = buying_request_to_view(user, pk)
        context = {
            "buying_request": buying_request,
            "destination": country_name(buying_request.destination_country),
            "is_open": services.buying_request_is_open(buying_request),
            "quote_count": buying_request.quotes.count(),
            "full_message": services.MSG_REQUEST_FULL % {"count": buying_request.max_quotes},
            "is_requester": user.pk == buying_request.buyer_id,
            "show_quotes": user.pk == buying_request.buyer_id or user.is_staff,
        }
        if context["show_quotes"]:
            sort = request.GET.get("sort", "price")
            if sort not in QUOTE_SORTS:
                sort = "price"
            context["quotes"] = list(
                buying_request.quotes.select_related("business", "product", "inquiry").order_by(
                    QUOTE_SORTS[sort][0], "price_usd", "pk"
                )
            )
            context["sort"] = sort
            context["sorts"] = [(key, label) for key, (_f, label) in QUOTE_SORTS.items()]
        else:
            business = owner_business(user)
            context["my_quote"] = (
                Quote.objects.filter(request=buying_request, business=business)
                .select_related("inquiry", "product")
                .first()
            )
        return render(request, self.template_name, context)


class QuoteCreateView(RoleRequiredMixin, FormView):
    required_role = "owner"
    form_class = QuoteForm
    template_name = "marketplace/inquiries/quote_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.buying_request = self.business = None
        if request.user.is_authenticated and request.user.is_owner:
            self.buying_request = buying_request_to_view(request.user, kwargs["pk"])
            self.business = owner_business(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        existing = Quote.objects.filter(request=self.buying_request, business=self.business).first()
        if existing is not None:
            messages.info(
                request, _("Your business has already sent a quote for this buying request.")
            )
            return redirect(self.buying_request)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "business": self.business}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            buying_request=self.buying_request,
            destination=country_name(self.buying_request.destination_country),
            is_open=services.buying_request_is_open(self.buying_request),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            quote = services.quote_create(
                buying_request=self.buying_request,
                business=self.business,
                author=self.request.user,
                **form.cleaned_data,
            )
        except AlreadySubmitted as exc:  # one quote per business: show the one sent
            thread = getattr(exc.instance, "inquiry", None) or self.buying_request
            return _already_sent(self.request, exc, thread)
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Your quote was sent to the buyer."))
        return redirect(quote.inquiry)

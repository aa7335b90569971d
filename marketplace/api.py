"""The public JSON API (``/api/v1/``): catalogue, suppliers, categories, trainings, and
a buyer's inquiries.

Reads reuse the web selectors (``catalogue()`` with ``CatalogueFilterForm``), writes the
web services (``inquiry_create``), so both channels answer the same way. Bilingual
fields follow ``Accept-Language`` (English unless Indonesian is preferred).
"""

import re

from allauth.account.adapter import get_adapter
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from core import idempotency
from core.api import API_LANGUAGES, MSG_NOT_FOUND, ScopedThrottle, api_language
from mentoring.models import TrainingSession
from mentoring.services.trainings import SEAT_STATUSES
from umkm.models import Business, Category, Certification, PriceTier, Product, ProductImage
from umkm.regions import PROVINCE_CHOICES

from .caching import cache_anonymous_response
from .countries import COUNTRIES
from .forms.catalogue import SORT_CHOICES, CatalogueFilterForm
from .models import (
    INCOTERM_CHOICES,
    INQUIRY_MAX_QUANTITY,
    INQUIRY_MAX_TARGET_PRICE_USD,
    INQUIRY_MIN_TARGET_PRICE_USD,
    MSG_INQUIRY_QUANTITY,
    MSG_INQUIRY_TARGET_PRICE,
    Inquiry,
    Quotation,
    QuotationLine,
    SampleRequest,
)
from .selectors import (
    Filters,
    catalogue,
    catalogue_page_ids,
    catalogue_total,
    inquiries_visible_to,
    public_businesses,
    public_products,
    top_categories,
    valid_certifications,
)
from .services import (
    MSG_NOT_AVAILABLE,
    MSG_UNVERIFIED,
    buyer_can_send,
    inquiry_create,
    inquiry_status_for,
)

LOGIN_FAILED_WINDOW = 5 * 60  # seconds: allauth's window for failed passwords per address
PUBLIC_MAX_AGE = 60
SLUG_REGEX = "[^/]+"  # any segment reaches the view, so a bad one is a JSON 404
# What a slug or a numeric id can be; anything else (NUL, other control characters,
# which PostgreSQL refuses in text) cannot name an object and is a 404 without a query.
LOOKUP_VALUE = re.compile(r"[-a-zA-Z0-9_]{1,200}")


# Errors --------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in the requested language.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field or query parameter; empty when none is at fault.",
    )


def _error(description: str, example: dict) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description=description,
        examples=[OpenApiExample(description, value=example, response_only=True)],
    )


ERROR_400 = _error(
    "Invalid input",
    {
        "detail": "Some of the values sent are not valid.",
        "errors": {"moq_max": ["Enter a whole number."]},
    },
)
ERROR_401 = _error(
    "Not signed in",
    {"detail": "Authentication credentials were not provided.", "errors": {}},
)
ERROR_403 = _error(
    "Not allowed",
    {"detail": "Please confirm your email address first.", "errors": {}},
)
ERROR_404 = _error("Not found", {"detail": "Not found.", "errors": {}})
ERROR_422 = _error(
    "Idempotency-Key already used for a different request",
    {
        "detail": "This was already sent once with different details. To send a new one, "
        "open the form again (in the API: use a new Idempotency-Key).",
        "errors": {},
    },
)
ERROR_429 = _error(
    "Too many requests (see the Retry-After header)",
    {"detail": "Request was throttled. Expected available in 42 seconds.", "errors": {}},
)
READ_ERRORS = {404: ERROR_404, 429: ERROR_429}

LANGUAGE_PARAMETER = OpenApiParameter(
    "Accept-Language",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    enum=list(API_LANGUAGES),
    description="Language of `name` and `description` (English unless Indonesian is asked).",
)


# Shared view behaviour -----------------------------------------------------------------


class ApiMixin:
    """Language from Accept-Language; anonymous reads are publicly cacheable."""

    def dispatch(self, request, *args, **kwargs):
        language = api_language(request)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        user = getattr(self.request, "user", None)
        anonymous = user is None or not user.is_authenticated
        if request.method in ("GET", "HEAD") and anonymous and response.status_code == 200:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        else:
            patch_cache_control(response, private=True, no_store=True)
        return response


class LookupMixin:
    """A lookup value that no slug or id can be answers exactly as a missing object."""

    def get_object(self):
        value = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
        if not LOOKUP_VALUE.fullmatch(str(value)):
            raise Http404(MSG_NOT_FOUND)
        return super().get_object()


# Serializers ---------------------------------------------------------------------------

# ``get_FOO_display()`` builds a hashable copy of every choice on each call (24 products
# and their certificates a page); a dict answers the same, labels still lazy.
UNIT_LABELS = dict(Product.Unit.choices)
KIND_LABELS = dict(Certification.Kind.choices)
# The public pages a buyer can open (not the owner's management pages under /umkm/).
PRODUCT_URL = "marketplace:product"
SUPPLIER_URL = "marketplace:supplier"
_SLUG_MARK = "slug-goes-here"


class CategoryRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = ["slug", "name", "name_en", "name_id", "parent"]


class SubCategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Category
        fields = ["slug", "name", "name_en", "name_id", "is_food"]


class CategoryTreeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    children = SubCategorySerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = ["slug", "name", "name_en", "name_id", "is_food", "children"]


class PriceTierSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriceTier
        fields = ["min_quantity", "max_quantity", "price_usd"]


class ImageSerializer(serializers.ModelSerializer):
    image = serializers.ImageField(read_only=True, allow_null=True)
    thumbnail_small = serializers.ImageField(source="thumb_small", read_only=True, allow_null=True)
    thumbnail_large = serializers.ImageField(source="thumb_large", read_only=True, allow_null=True)

    class Meta:
        model = ProductImage
        fields = ["image", "thumbnail_small", "thumbnail_large", "alt_text", "width", "height"]


class CertificationSerializer(serializers.ModelSerializer):
    kind_display = serializers.SerializerMethodField()
    verified = serializers.SerializerMethodField()

    class Meta:
        model = Certification
        fields = ["kind", "kind_display", "number", "issuer", "verified", "expires_on"]

    def get_kind_display(self, obj) -> str:
        return str(KIND_LABELS.get(obj.kind, obj.kind))

    def get_verified(self, obj) -> bool:
        return obj.verified_at is not None


class SupplierSummarySerializer(serializers.ModelSerializer):
    verified = serializers.BooleanField(source="is_verified", read_only=True)

    class Meta:
        model = Business
        fields = ["slug", "name", "city", "province", "verified"]


class ProductSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    hs_code = serializers.CharField(source="hs_code_display", read_only=True)
    unit_display = serializers.SerializerMethodField()
    category = CategoryRefSerializer(read_only=True)
    incoterms = serializers.ListField(child=serializers.CharField(), read_only=True)
    price_tiers = PriceTierSerializer(many=True, read_only=True)
    images = ImageSerializer(many=True, read_only=True)
    certifications = CertificationSerializer(many=True, read_only=True)
    supplier = SupplierSummarySerializer(source="business", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "slug",
            "name",
            "description",
            "name_en",
            "name_id",
            "description_en",
            "description_id",
            "category",
            "hs_code",
            "unit",
            "unit_display",
            "moq",
            "fob_usd",
            "price_tiers",
            "incoterms",
            "port_of_loading",
            "capacity_per_month",
            "lead_time_days",
            "shelf_life_days",
            "sample_available",
            "sample_price_usd",
            "images",
            "certifications",
            "supplier",
            "listed_at",
            "url",
        ]

    def get_unit_display(self, obj) -> str:
        return str(UNIT_LABELS.get(obj.unit, obj.unit))

    def get_url(self, obj) -> str:
        """The public product page, reversed once per response: only the slug differs
        between the items of a page."""
        parts = self.context.get("_product_url")
        if parts is None:
            url = self.context["request"].build_absolute_uri(
                reverse(PRODUCT_URL, args=[_SLUG_MARK])
            )
            head, _mark, tail = url.rpartition(_SLUG_MARK)
            parts = self.context["_product_url"] = (head, tail)
        return f"{parts[0]}{obj.slug}{parts[1]}"


class SupplierSerializer(serializers.ModelSerializer):
    description = serializers.CharField(read_only=True)
    story = serializers.CharField(read_only=True)
    production_capacity = serializers.CharField(source="capacity", read_only=True)
    verified = serializers.BooleanField(source="is_verified", read_only=True)
    logo = serializers.ImageField(read_only=True, allow_null=True)
    listed_products = serializers.IntegerField(read_only=True)
    certifications = CertificationSerializer(
        source="valid_certifications", many=True, read_only=True
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Business
        fields = [
            "slug",
            "name",
            "description",
            "description_en",
            "description_id",
            "story",
            "story_en",
            "story_id",
            "production_capacity",
            "capacity_en",
            "capacity_id",
            "legal_form",
            "scale",
            "sector",
            "province",
            "city",
            "founded_year",
            "employees",
            "website",
            "has_exported",
            "export_markets",
            "logo",
            "verified",
            "certifications",
            "listed_products",
            "url",
        ]

    def get_url(self, obj) -> str:
        """The public supplier page."""
        return self.context["request"].build_absolute_uri(reverse(SUPPLIER_URL, args=[obj.slug]))


class TrainingSerializer(serializers.ModelSerializer):
    description = serializers.SerializerMethodField()
    topic_display = serializers.SerializerMethodField()
    host = serializers.SerializerMethodField()
    seats_left = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = TrainingSession
        # Never ``join_link``: only registered businesses, the host and staff see it.
        fields = [
            "id",
            "title",
            "topic",
            "topic_display",
            "description",
            "description_en",
            "description_id",
            "starts_at",
            "ends_at",
            "registration_deadline",
            "mode",
            "venue",
            "city",
            "audience",
            "capacity",
            "seats_left",
            "host",
            "url",
        ]

    def get_description(self, obj) -> str:
        first, second = (
            ("en", "id") if translation.get_language().startswith("en") else ("id", "en")
        )
        return getattr(obj, f"description_{first}") or getattr(obj, f"description_{second}")

    def get_topic_display(self, obj) -> str:
        return str(obj.get_topic_display())

    def get_host(self, obj) -> str:
        return obj.host.get_full_name()

    def get_seats_left(self, obj) -> int:
        return max(obj.capacity - obj.seats_taken, 0)

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


class InquirySerializer(serializers.ModelSerializer):
    supplier = SupplierSummarySerializer(source="business", read_only=True)
    product = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    status = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Inquiry
        fields = [
            "id",
            "subject",
            "supplier",
            "product",
            "quantity",
            "unit",
            "target_price_usd",
            "incoterm",
            "destination_country",
            "destination_port",
            "status",
            "created_at",
            "last_message_at",
            "url",
        ]

    def get_status(self, obj) -> str:
        return inquiry_status_for(inquiry=obj, user=self.context["request"].user)

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


class QuotationLineSerializer(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    amount_usd = serializers.DecimalField(max_digits=22, decimal_places=2, read_only=True)

    class Meta:
        model = QuotationLine
        fields = [
            "position",
            "product",
            "description",
            "quantity",
            "unit",
            "unit_price_usd",
            "amount_usd",
        ]


class QuotationSerializer(serializers.ModelSerializer):
    lines = QuotationLineSerializer(many=True, read_only=True)
    proforma_number = serializers.CharField(read_only=True)
    proforma_url = serializers.SerializerMethodField()

    class Meta:
        model = Quotation
        fields = [
            "round",
            "status",
            "currency",
            "incoterm",
            "port",
            "valid_until",
            "payment_term",
            "lead_time_days",
            "notes",
            "total_usd",
            "buyer_note",
            "created_at",
            "answered_at",
            "lines",
            "proforma_number",
            "proforma_url",
        ]

    def get_proforma_url(self, obj) -> str | None:
        if obj.proforma_sequence is None:
            return None
        path = reverse("marketplace:quotation-proforma", args=[obj.inquiry_id, obj.pk])
        return self.context["request"].build_absolute_uri(path)


class SampleRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = SampleRequest
        fields = [
            "quantity",
            "note",
            "status",
            "fee_usd",
            "courier",
            "tracking_number",
            "created_at",
            "sent_at",
        ]


class InquiryDetailSerializer(InquirySerializer):
    """One inquiry with its deal pipeline (read-only: the steps are taken on the site)."""

    samples = SampleRequestSerializer(source="sample_requests", many=True, read_only=True)
    quotations = QuotationSerializer(many=True, read_only=True)

    class Meta(InquirySerializer.Meta):
        fields = [*InquirySerializer.Meta.fields, "samples", "quotations"]


MSG_UNKNOWN_FIELD = _("There is no such field.")


class StrictSerializer(serializers.Serializer):
    """Input that names a field this request does not have is refused, not ignored:
    a misspelt optional field would otherwise be lost without a word."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(name) for name in data if name not in writable)
            if unknown:
                raise exceptions.ValidationError({name: [MSG_UNKNOWN_FIELD] for name in unknown})
        return super().to_internal_value(data)


class TextOnlyMixin:
    """A JSON string only: DRF would turn a number into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TextField(TextOnlyMixin, serializers.CharField):
    pass


class SlugTextField(TextOnlyMixin, serializers.SlugField):
    pass


class EmailTextField(TextOnlyMixin, serializers.EmailField):
    pass


class RangeFirstDecimalField(serializers.DecimalField):
    """A number out of range gets the range's message (as on the web form), not the
    count of its digits, which DRF would check first."""

    def validate_precision(self, value):
        if self.min_value is not None and value < self.min_value:
            self.fail("min_value", min_value=self.min_value)
        if self.max_value is not None and value > self.max_value:
            self.fail("max_value", max_value=self.max_value)
        return super().validate_precision(value)


class InquiryCreateSerializer(StrictSerializer):
    supplier = SlugTextField(
        max_length=Business._meta.get_field("slug").max_length, help_text="The supplier's slug."
    )
    product = SlugTextField(
        max_length=Product._meta.get_field("slug").max_length,
        required=False,
        allow_blank=True,
        help_text="A listed product of that supplier.",
    )
    # The bounds are the service's (``marketplace.models``), with the same message.
    quantity = serializers.IntegerField(
        min_value=1,
        max_value=INQUIRY_MAX_QUANTITY,
        error_messages={"min_value": MSG_INQUIRY_QUANTITY, "max_value": MSG_INQUIRY_QUANTITY},
    )
    unit = serializers.ChoiceField(choices=Product.Unit.choices)
    incoterm = serializers.ChoiceField(choices=INCOTERM_CHOICES)
    destination_country = serializers.ChoiceField(choices=COUNTRIES)
    destination_port = TextField(required=False, allow_blank=True, max_length=100)
    target_price_usd = RangeFirstDecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=INQUIRY_MIN_TARGET_PRICE_USD,
        max_value=INQUIRY_MAX_TARGET_PRICE_USD,
        error_messages={
            "min_value": MSG_INQUIRY_TARGET_PRICE,
            "max_value": MSG_INQUIRY_TARGET_PRICE,
        },
        required=False,
        allow_null=True,
    )
    message = TextField(max_length=5000, allow_blank=True)  # the service says why


class TokenRequestSerializer(StrictSerializer):
    email = EmailTextField()
    password = TextField(write_only=True, style={"input_type": "password"})


# Catalogue filters ---------------------------------------------------------------------

# API query parameter → CatalogueFilterForm field.
FILTER_PARAMS = {
    "q": "q",
    "category": "category",
    "province": "province",
    "certification": "certification",
    "moq_max": "moq_max",
    "price_usd_min": "price_min",
    "price_usd_max": "price_max",
    "lead_time_max": "lead_time_max",
    "ordering": "sort",
}
FORM_TO_PARAM = {form: param for param, form in FILTER_PARAMS.items()}
BOOLEAN_PARAMS = ("sample", "verified", "export_ready")
TRUE, FALSE = {"true", "1"}, {"false", "0"}


def catalogue_filters(params) -> Filters:
    """The query string as ``Filters``, through the web catalogue's form; any value
    that the form would drop is a 400 here instead."""
    data, errors = {}, {}
    for param, field in FILTER_PARAMS.items():
        if param in params:
            data[field] = params.get(param)
    for param in BOOLEAN_PARAMS:
        raw = params.get(param, "").strip().lower()
        if raw in TRUE:
            data[param] = True
        elif raw in FALSE:
            data[param] = False
        elif raw:
            errors[param] = [str(_("Enter true or false."))]
    form = CatalogueFilterForm(data)
    form.is_valid()
    for field, messages in form.errors.items():
        errors[FORM_TO_PARAM.get(field, field)] = [str(m) for m in messages]
    filters = form.filters()
    if (
        filters.category
        and "category" not in errors
        and not Category.objects.filter(slug=filters.category).exists()
    ):
        errors["category"] = [str(_("There is no category with this slug."))]
    if errors:
        raise exceptions.ValidationError(errors)
    return filters


def _bool_param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.BOOL, description=description)


PRODUCT_FILTER_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Search words (both languages)."),
    OpenApiParameter(
        "category",
        OpenApiTypes.STR,
        description="Category slug; a top-level category includes its subcategories.",
    ),
    OpenApiParameter("province", OpenApiTypes.STR, enum=[code for code, _n in PROVINCE_CHOICES]),
    OpenApiParameter(
        "certification",
        OpenApiTypes.STR,
        enum=list(Certification.Kind.values),
        description="Only suppliers holding a verified, unexpired certificate of this kind.",
    ),
    OpenApiParameter("moq_max", OpenApiTypes.INT, description="Minimum order at most (≥ 1)."),
    OpenApiParameter("price_usd_min", OpenApiTypes.DECIMAL, description="FOB USD from."),
    OpenApiParameter("price_usd_max", OpenApiTypes.DECIMAL, description="FOB USD up to."),
    OpenApiParameter(
        "lead_time_max", OpenApiTypes.INT, description="Lead time at most, days (0–365)."
    ),
    _bool_param("sample", "Only products with samples available."),
    _bool_param("verified", "Only verified suppliers."),
    _bool_param("export_ready", "Only export-ready products."),
    OpenApiParameter(
        "ordering",
        OpenApiTypes.STR,
        enum=[value for value, _label in SORT_CHOICES],
        description="`relevance` (needs `q`, else newest), `newest`, `price_asc`, `price_desc`.",
    ),
    LANGUAGE_PARAMETER,
]

PRODUCT_EXAMPLE = OpenApiExample(
    "Pineapple chips",
    response_only=True,
    value={
        "slug": "keripik-nanas-riau",
        "name": "Pineapple chips",
        "description": "Crispy pineapple chips.",
        "name_en": "Pineapple chips",
        "name_id": "Keripik nanas",
        "description_en": "Crispy pineapple chips.",
        "description_id": "Keripik nanas renyah.",
        "category": {
            "slug": "snacks",
            "name": "Snacks",
            "name_en": "Snacks",
            "name_id": "Makanan ringan",
            "parent": "food",
        },
        "hs_code": "2008.99",
        "unit": "pack",
        "unit_display": "pack",
        "moq": 100,
        "fob_usd": "2.10",
        "price_tiers": [{"min_quantity": 100, "max_quantity": None, "price_usd": "2.10"}],
        "incoterms": ["FOB"],
        "port_of_loading": "Dumai",
        "capacity_per_month": 2000,
        "lead_time_days": 14,
        "shelf_life_days": 180,
        "sample_available": True,
        "sample_price_usd": "5.00",
        "images": [],
        "certifications": [
            {
                "kind": "halal",
                "kind_display": "Halal (BPJPH)",
                "number": "ID00000001",
                "issuer": "BPJPH",
                "verified": True,
                "expires_on": None,
            }
        ],
        "supplier": {
            "slug": "usaha-contoh",
            "name": "Usaha Contoh",
            "city": "Pekanbaru",
            "province": "Riau",
            "verified": True,
        },
        "listed_at": "2026-01-05T03:00:00Z",
        "url": "https://jembatan.example.id/umkm/products/1/",
    },
)


# Views ---------------------------------------------------------------------------------


def _product_prefetches(queryset):
    """What a product's JSON needs beyond ``catalogue()``'s own (business, category,
    images)."""
    return queryset.select_related("business", "category__parent").prefetch_related(
        "price_tiers",
        Prefetch("certifications", queryset=Certification.objects.order_by("kind", "id")),
    )


@extend_schema_view(
    list=extend_schema(
        summary="Listed products",
        parameters=PRODUCT_FILTER_PARAMETERS,
        responses={200: ProductSerializer(many=True), 400: ERROR_400, **READ_ERRORS},
        examples=[PRODUCT_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="One listed product",
        parameters=[LANGUAGE_PARAMETER],
        responses={200: ProductSerializer, **READ_ERRORS},
        examples=[PRODUCT_EXAMPLE],
    ),
)
# The same JSON for everyone: token and session clients share the cached entry.
@method_decorator(cache_anonymous_response(everyone=True), name="list")
@method_decorator(cache_anonymous_response(everyone=True), name="retrieve")
class ProductViewSet(ApiMixin, LookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ProductSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX

    @cached_property
    def filters(self) -> Filters:
        return catalogue_filters(self.request.query_params)

    def page_total(self) -> int | None:
        """The list's count for the paginator, from the catalogue's maintained counts
        where they answer (as on the catalogue page): no count of the products."""
        return catalogue_total(self.filters)

    def page_ids(self, start: int, stop: int | None) -> list[int] | None:
        """The ids of a page of a search without filters: its ranked hits (no query)."""
        return catalogue_page_ids(self.filters, start, stop)

    def get_queryset(self):
        if self.action == "list":
            return _product_prefetches(catalogue(self.filters))
        return _product_prefetches(public_products()).prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))
        )


@extend_schema_view(
    list=extend_schema(
        summary="Suppliers with listed products",
        parameters=[LANGUAGE_PARAMETER],
        responses={200: SupplierSerializer(many=True), 400: ERROR_400, **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One supplier",
        parameters=[LANGUAGE_PARAMETER],
        responses={200: SupplierSerializer, **READ_ERRORS},
    ),
)
# The same JSON for everyone: token and session clients share the cached entry.
@method_decorator(cache_anonymous_response(everyone=True), name="list")
@method_decorator(cache_anonymous_response(everyone=True), name="retrieve")
class SupplierViewSet(ApiMixin, LookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SupplierSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX

    def get_queryset(self):
        return (
            public_businesses()
            .annotate(listed_products=Count("products", filter=Q(products__is_listed=True)))
            .prefetch_related(
                Prefetch(
                    "certifications",
                    queryset=valid_certifications().order_by("kind", "id"),
                    to_attr="valid_certifications",
                )
            )
            .order_by("name", "id")
        )


class CategoryView(ApiMixin, APIView):
    @extend_schema(
        summary="Category tree (two levels)",
        parameters=[LANGUAGE_PARAMETER],
        responses={200: CategoryTreeSerializer(many=True), 429: ERROR_429},
    )
    def get(self, request):
        serializer = CategoryTreeSerializer(
            top_categories(), many=True, context={"request": request}
        )
        return Response(serializer.data)


@extend_schema_view(
    list=extend_schema(
        summary="Upcoming published trainings",
        parameters=[LANGUAGE_PARAMETER],
        responses={200: TrainingSerializer(many=True), 400: ERROR_400, **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One upcoming training",
        parameters=[
            LANGUAGE_PARAMETER,
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH),
        ],
        responses={200: TrainingSerializer, **READ_ERRORS},
    ),
)
class TrainingViewSet(ApiMixin, LookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = TrainingSerializer
    lookup_value_regex = SLUG_REGEX

    def get_queryset(self):
        return (
            TrainingSession.objects.upcoming()
            .select_related("host")
            .annotate(
                seats_taken=Count(
                    "registrations", filter=Q(registrations__status__in=SEAT_STATUSES)
                )
            )
            .order_by("starts_at", "id")
        )


class IsVerifiedBuyer(permissions.BasePermission):
    """A buyer account whose email address is confirmed (as for the web form)."""

    message = _("Only buyer accounts can send and read inquiries here.")

    def has_permission(self, request, view):
        if not request.user.is_buyer:
            return False
        if not buyer_can_send(user=request.user):
            self.message = MSG_UNVERIFIED
            return False
        return True


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = idempotency.MSG_KEY_REUSED
    default_code = idempotency.REUSED


IDEMPOTENCY_PARAMETERS = [
    OpenApiParameter(
        idempotency.HEADER,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        pattern=r"^[!-~]{1,64}$",
        description=(
            "Optional, recommended: a new random value (e.g. a UUID) for each inquiry, "
            "sent again unchanged when you retry it. A retry with a key you already used "
            "creates and notifies nothing and answers like the first request, with the "
            "inquiry that was created then. The same key with a different body is a 422. "
            "Keys belong to your account; 1–64 visible ASCII characters."
        ),
    ),
    OpenApiParameter(
        idempotency.REPLAYED_HEADER,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        enum=["true"],
        response=[201],
        description="Present on a retry: this inquiry was created by an earlier request.",
    ),
]


def idempotency_key(request) -> str:
    """The ``Idempotency-Key`` header, or "" without one; a malformed one is a 400."""
    key = request.headers.get(idempotency.HEADER)
    if key is None:
        return ""
    if not idempotency.is_valid_key(key):
        message = idempotency.MSG_KEY_INVALID % {"max": idempotency.KEY_MAX_LENGTH}
        raise exceptions.ValidationError({idempotency.HEADER: [str(message)]})
    return key


def _not_available(field: str) -> exceptions.ValidationError:
    """A supplier or product that is hidden, or does not exist, or is not that
    supplier's: one answer for all, so that slugs cannot be probed."""
    return exceptions.ValidationError({field: [str(MSG_NOT_AVAILABLE)]})


def _raise_api_error(error: DjangoValidationError, *, unavailable_field: str) -> None:
    code = getattr(error, "code", None)
    if code == idempotency.REUSED:
        raise IdempotencyKeyReused(error.messages[0])
    if code == "unverified":
        raise exceptions.PermissionDenied(error.messages[0])
    if code == "rate_limited":
        raise exceptions.Throttled(detail=error.messages[0])
    if code == "unavailable":
        raise _not_available(unavailable_field)
    if hasattr(error, "error_dict"):
        raise exceptions.ValidationError(error.message_dict)
    raise exceptions.ValidationError(error.messages)


@extend_schema_view(
    list=extend_schema(
        summary="My inquiries",
        responses={
            200: InquirySerializer(many=True),
            401: ERROR_401,
            403: ERROR_403,
            **READ_ERRORS,
        },
    ),
    retrieve=extend_schema(
        summary="One of my inquiries",
        responses={200: InquirySerializer, 401: ERROR_401, 403: ERROR_403, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Send an inquiry to a supplier",
        request=InquiryCreateSerializer,
        parameters=IDEMPOTENCY_PARAMETERS,
        responses={
            201: OpenApiResponse(
                InquirySerializer,
                description="Sent; or, on a retry with the same Idempotency-Key, the "
                "inquiry sent the first time (header Idempotent-Replayed: true).",
            ),
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            422: ERROR_422,
            429: ERROR_429,
        },
        examples=[
            OpenApiExample(
                "Inquiry about a product",
                request_only=True,
                value={
                    "supplier": "usaha-contoh",
                    "product": "keripik-nanas-riau",
                    "quantity": 500,
                    "unit": "pack",
                    "incoterm": "FOB",
                    "destination_country": "SG",
                    "destination_port": "Singapore",
                    "target_price_usd": "1.90",
                    "message": "Please quote 500 packs, FOB Dumai.",
                },
            )
        ],
    ),
)
class InquiryViewSet(
    ApiMixin,
    LookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """A buyer's own inquiries; another buyer's is a 404. One inquiry carries its deal
    pipeline (samples, quotations with their lines and proforma links), read-only."""

    serializer_class = InquirySerializer
    permission_classes = [permissions.IsAuthenticated, IsVerifiedBuyer]
    lookup_value_regex = SLUG_REGEX

    def get_serializer_class(self):
        return InquiryDetailSerializer if self.action == "retrieve" else InquirySerializer

    def get_queryset(self):
        queryset = (
            inquiries_visible_to(self.request.user)
            .select_related("business", "product")
            .order_by("-last_message_at", "-id")
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                "sample_requests",
                Prefetch(
                    "quotations",
                    Quotation.objects.prefetch_related(
                        Prefetch("lines", QuotationLine.objects.select_related("product"))
                    ),
                ),
            )
        return queryset

    def create(self, request, *args, **kwargs):
        key = idempotency_key(request)
        incoming = InquiryCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        # The suppliers and products the web shows (and ``inquiry_create`` accepts).
        business = public_businesses().filter(slug=data["supplier"]).first()
        if business is None:
            raise _not_available("supplier")
        product = None
        if data.get("product"):
            product = public_products().filter(slug=data["product"], business=business).first()
            if product is None:
                raise _not_available("product")
        try:
            inquiry = inquiry_create(
                buyer=request.user,
                business=business,
                product=product,
                quantity=data["quantity"],
                unit=data["unit"],
                incoterm=data["incoterm"],
                destination_country=data["destination_country"],
                destination_port=data.get("destination_port", ""),
                target_price_usd=data.get("target_price_usd"),
                message=data["message"],
                idempotency_key=key,
            )
        except idempotency.AlreadySubmitted as replay:  # Stripe-style: the first answer again
            output = InquirySerializer(replay.instance, context=self.get_serializer_context())
            headers = {idempotency.REPLAYED_HEADER: "true"}
            return Response(output.data, status=status.HTTP_201_CREATED, headers=headers)
        except DjangoValidationError as error:
            _raise_api_error(error, unavailable_field="product" if product else "supplier")
        output = InquirySerializer(inquiry, context=self.get_serializer_context())
        return Response(output.data, status=status.HTTP_201_CREATED)


class TokenView(ApiMixin, APIView):
    """A buyer's API token from their email address and password."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "token"

    @extend_schema(
        summary="Get an API token (buyers)",
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: ERROR_400,
            403: ERROR_403,
            429: ERROR_429,
        },
        examples=[
            OpenApiExample(
                "Credentials",
                request_only=True,
                value={"email": "buyer@example.com", "password": "your password"},
            ),
            OpenApiExample(
                "Token", response_only=True, value={"token": "9944b09199c62bcf9418ad846dd0e4bb"}
            ),
        ],
    )
    def post(self, request):
        incoming = TokenRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        # Through allauth's adapter: failed passwords count per address in the same
        # limit as the sign-in page (5 in 5 minutes), whatever IP address they come from.
        try:
            user = get_adapter(request._request).authenticate(
                request._request,
                email=incoming.validated_data["email"],
                password=incoming.validated_data["password"],
            )
        except DjangoValidationError as error:
            raise exceptions.Throttled(wait=LOGIN_FAILED_WINDOW, detail=error.messages[0]) from None
        if user is None or not user.is_active:
            raise exceptions.ValidationError(
                [str(_("The email address or the password is not right."))]
            )
        if not user.is_buyer:
            raise exceptions.PermissionDenied(_("API tokens are for buyer accounts."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

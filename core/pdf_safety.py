"""Is an uploaded PDF passive? Checked by parsing it (pypdf), not by searching its bytes.

Every PDF that reaches the platform (certificates, inquiry attachments, training
materials, and the same fields in the admin) goes through ``pdf_check``, called by
``core.uploads.clean_document_upload``. A PDF is refused when anything in it can act on
its own in a reader: JavaScript, actions that run on opening the file or on page,
annotation and form events, launching programs, embedded files, XFA forms, rich media,
and actions that submit, import or open other files.

What is checked is what a reader can see, wherever it sits:

1. The resolved object graph from the trailer (catalog, ``/Names`` tree, ``/AcroForm``,
   pages and their ``/Annots``, outlines…) and every object the cross-reference lists,
   including objects packed in compressed object streams (``/ObjStm``).
2. Every object in every object stream, also those the cross-reference does not point
   at (a reader that repairs the file might).
3. Every object written in the file (``N G obj``), also those the cross-reference
   hides: an older revision, a duplicate number, an unreferenced object. Readers that
   rebuild a broken cross-reference find them, so they must be harmless too.

Names are compared after pypdf decodes them (``/J#61vaScript`` is ``/JavaScript``) and
without regard to case. Comments and string literals are parsed as what they are, so
``stream``/``endstream`` spelled inside them hides nothing.

The work is bounded: the file size by the upload rules, the number of objects read and
visited (``PDF_MAX_OBJECTS``), the time spent (``PDF_MAX_SECONDS``) and pypdf's own
decompression limits (lowered here). Past a bound the file is refused as one we cannot
check, never waited on.
"""

from __future__ import annotations

import logging
import re
import time
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pypdf import PasswordType, PdfReader, apply_configuration
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
    read_object,
)

logger = logging.getLogger(__name__)

MB = 1024 * 1024
# Objects read and visited (dictionaries, arrays and their values), over all passes.
# A 300-page catalogue has tens of thousands; past this the file is refused.
PDF_MAX_OBJECTS = 250_000
# Seconds the check may take; past this the file is refused instead of waited on.
PDF_MAX_SECONDS = 10.0
# Decoded size of any one stream pypdf unpacks here (only object streams are unpacked).
PDF_MAX_STREAM_BYTES = 20 * MB

MSG_PDF_DAMAGED = _("The PDF file is damaged or incomplete.")
MSG_PDF_ACTIVE = _(
    "This PDF contains scripts, automatic actions, embedded files or media; "
    "save it again as a plain PDF (for example with “Print to PDF”)."
)
MSG_PDF_UNCHECKABLE = _(
    "This PDF is encrypted, or too large or complex for us to check; "
    "save it again as a plain PDF (for example with “Print to PDF”)."
)

# Keys that only appear where a PDF carries scripts, event actions, files or XFA.
_FORBIDDEN_KEYS = {
    "/js": "JavaScript",
    "/javascript": "JavaScript name tree",
    "/aa": "additional (event) actions",
    "/embeddedfiles": "embedded files name tree",
    "/ef": "embedded file",
    "/xfa": "XFA form",
    "/richmediacontent": "rich media",
    "/richmediasettings": "rich media",
}
# Action types (/S) that run code, start programs, send data or open other files.
_FORBIDDEN_ACTIONS = {
    "/javascript",
    "/launch",
    "/submitform",
    "/importdata",
    "/gotor",
    "/gotoe",
    "/rendition",
    "/movie",
    "/sound",
    "/richmediaexecute",
    "/goto3dview",
}
# Annotation subtypes that carry files or play media.
_FORBIDDEN_SUBTYPES = {"/fileattachment", "/richmedia", "/3d", "/movie", "/sound", "/screen"}
_FORBIDDEN_TYPES = {"/embeddedfile", "/3d", "/richmediacontent"}
# URI actions (links) may open web pages and mail, not run or fetch local things.
_FORBIDDEN_URI_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")

# "N G obj": where an object is written, as a reader repairing the file would find it.
_OBJECT_HEADER = re.compile(
    rb"(?<![0-9])([0-9]{1,10})[\0\t\n\f\r ]+([0-9]{1,5})[\0\t\n\f\r ]+obj[\0\t\n\f\r ]*"
)


class _Refused(Exception):
    """Internal: the check stopped; ``kind`` is "active", "uncheckable" or "damaged"."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(f"{kind}: {reason}")
        self.kind = kind
        self.reason = reason


# Public API --------------------------------------------------------------------------


def pdf_check(data: bytes) -> None:
    """Refuse (``ValidationError``) a PDF that is not a readable, passive document.

    Codes: ``damaged_pdf`` (not a PDF pypdf can read, truncated, no pages),
    ``active_pdf`` (scripts, event actions, embedded files, XFA, media…) and
    ``uncheckable_pdf`` (encrypted with a password, or over the bounds of the check).
    """
    try:
        _Inspection(data).run()
    except _Refused as refused:
        logger.info("PDF refused (%s): %s", refused.kind, refused.reason)
        if refused.kind == "active":
            raise ValidationError(MSG_PDF_ACTIVE, code="active_pdf") from None
        if refused.kind == "uncheckable":
            raise ValidationError(MSG_PDF_UNCHECKABLE, code="uncheckable_pdf") from None
        raise ValidationError(MSG_PDF_DAMAGED, code="damaged_pdf") from None
    except RecursionError:  # nesting deeper than the parser can follow
        logger.info("PDF refused (damaged): nested too deeply")
        raise ValidationError(MSG_PDF_DAMAGED, code="damaged_pdf") from None
    except Exception as error:  # noqa: BLE001 - hostile input: whatever the parser raises
        logger.info("PDF refused (damaged): %s: %s", type(error).__name__, error)
        raise ValidationError(MSG_PDF_DAMAGED, code="damaged_pdf") from None


# The inspection ----------------------------------------------------------------------


class _Inspection:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.deadline = time.monotonic() + PDF_MAX_SECONDS
        self.budget = PDF_MAX_OBJECTS
        self.reader: PdfReader | None = None
        self.seen: set[tuple[int, int]] = set()  # indirect objects resolved
        self.counted: set[int] = set()  # object streams whose /N is already spent

    def run(self) -> None:
        data = self.data
        if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
            raise _Refused("damaged", "no PDF header or no end marker")
        headers = []  # where each object's text starts, after its "N G obj"
        for header in _OBJECT_HEADER.finditer(data):
            headers.append((header.start(), header.end()))
            if len(headers) > PDF_MAX_OBJECTS:
                raise _Refused("uncheckable", f"more than {PDF_MAX_OBJECTS} objects written")
        with apply_configuration(
            zlib_maximum_output_length=PDF_MAX_STREAM_BYTES,
            lzw_maximum_output_length=PDF_MAX_STREAM_BYTES,
            run_length_maximum_output_length=PDF_MAX_STREAM_BYTES,
            brotli_maximum_output_length=PDF_MAX_STREAM_BYTES,
            array_based_stream_maximum_output_length=PDF_MAX_STREAM_BYTES,
            jbig2_maximum_output_length=PDF_MAX_STREAM_BYTES,
            jbig2dec_binary=None,  # never start a program for a hostile file
        ):
            self.reader = PdfReader(
                BytesIO(data),
                strict=False,  # readers repair small faults, so the check sees the repair
                root_object_recovery_limit=1_000,
                xref_stream_maximum_entries=PDF_MAX_OBJECTS,
            )
            self._open_encrypted()
            self._check_declared_size()
            self._walk_graph()
            self._walk_written_objects(headers)
            if len(self.reader.pages) == 0:
                raise _Refused("damaged", "no pages")

    def _open_encrypted(self) -> None:
        """An owner-password-only PDF (no password to open it) is decrypted and checked."""
        reader = self.reader
        if not reader.is_encrypted:
            return
        try:
            opened = reader.decrypt("")
        except Exception as error:  # noqa: BLE001 - an unknown or broken encryption
            raise _Refused("uncheckable", f"encryption: {error}") from None
        if opened == PasswordType.NOT_DECRYPTED:
            raise _Refused("uncheckable", "needs a password")

    def _check_declared_size(self) -> None:
        """Count what the cross-reference promises before pypdf unpacks any of it.

        Reading one object of an object stream makes pypdf parse all of them, so the
        number each stream declares (``/N``) is counted first.
        """
        reader = self.reader
        listed = sum(len(entries) for entries in reader.xref.values()) + len(reader.xref_objStm)
        self._spend(listed)
        for number in sorted({stream for stream, _index in reader.xref_objStm.values()}):
            stream = self._resolve(IndirectObject(number, 0, reader))
            if not isinstance(stream, StreamObject):
                continue
            declared = stream.get("/N")
            if isinstance(declared, NumberObject):
                self._spend(max(int(declared), 0))
                self.counted.add(number)

    # Pass 1 and 2: the graph, every listed object, every object stream -------------

    def _walk_graph(self) -> None:
        reader = self.reader
        roots: list = [reader.trailer]
        try:
            roots.append(reader.root_object)  # pypdf may recover a catalog the trailer lacks
        except Exception as error:  # noqa: BLE001 - no catalog: checked, then refused below
            raise _Refused("damaged", f"no catalog: {error}") from None
        for generation, entries in reader.xref.items():
            roots.extend(IndirectObject(number, generation, reader) for number in entries)
        roots.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
        self._walk(roots, authoritative=True)

    def _walk(self, roots: list, *, authoritative: bool) -> None:
        """Visit everything reachable from ``roots``, each indirect object once.

        ``authoritative``: the roots come from the cross-reference (so do the members of
        their object streams that pypdf resolves itself) rather than from a scan.
        """
        stack = list(roots)
        while stack:
            item = stack.pop()
            self._spend(1)
            number = None
            if isinstance(item, IndirectObject):
                key = (item.idnum, item.generation)
                if key in self.seen:
                    continue
                self.seen.add(key)
                number = item.idnum
                item = self._resolve(item)
            if isinstance(item, DictionaryObject):  # streams are dictionaries too
                self._check_dictionary(item)
                stack.extend(dict.values(item))
                if isinstance(item, StreamObject) and _lower(item.get("/Type")) == "/objstm":
                    listed = authoritative and number is not None
                    stack.extend(self._object_stream_members(item, number, listed=listed))
            elif isinstance(item, ArrayObject):
                stack.extend(list.__iter__(item))

    def _resolve(self, reference: IndirectObject):
        try:
            return self.reader.get_object(reference)
        except _Refused:
            raise
        except Exception as error:  # noqa: BLE001 - a listed object pypdf cannot read
            raise _Refused("damaged", f"object {reference.idnum}: {error}") from None

    def _object_stream_members(self, stream: StreamObject, number, *, listed: bool) -> list:
        """Every object packed in ``stream``, as its own header lists them.

        Members the cross-reference places in this stream are left to pypdf (the walk
        resolves them); the others are parsed here, as a repairing reader would. A
        stream that cannot be unpacked hides what it holds: the file is uncheckable.
        """
        if self.reader.is_encrypted and not listed:  # pypdf decrypts only what it resolves
            raise _Refused("uncheckable", "an unlisted object stream in an encrypted file")
        try:
            content = stream.get_data()
        except Exception as error:  # noqa: BLE001 - a filter we lack, bad data, a bomb
            raise _Refused("uncheckable", f"object stream: {error}") from None
        count, first = stream.get("/N"), stream.get("/First")
        if not isinstance(count, NumberObject) or not isinstance(first, NumberObject):
            raise _Refused("uncheckable", "object stream without /N or /First")
        count, first = int(count), int(first)
        if count < 0 or not 0 <= first <= len(content):
            raise _Refused("uncheckable", "object stream with a bad /N or /First")
        if not (listed and number in self.counted):  # else counted before pypdf unpacked it
            self._spend(count)
        numbers = content[:first].split()[: 2 * count]
        if len(numbers) % 2 or not all(value.isdigit() for value in numbers):
            raise _Refused("uncheckable", "object stream with a bad header")
        members = []
        buffer = BytesIO(content)
        for index in range(0, len(numbers), 2):
            member, offset = int(numbers[index]), int(numbers[index + 1])
            if listed and self.reader.xref_objStm.get(member, (None,))[0] == number:
                continue  # resolved through the cross-reference by the walk
            buffer.seek(first + offset)
            try:
                members.append(self._parse(buffer))
            except _Refused as refused:
                raise _Refused("uncheckable", f"object stream: {refused.reason}") from None
        return members

    # Pass 3: every object written in the file ---------------------------------------

    def _walk_written_objects(self, headers: list[tuple[int, int]]) -> None:
        """Parse each ``N G obj`` the cross-reference did not lead to, and walk it."""
        reader = self.reader
        parsed = {
            _skip_whitespace(self.data, reader.xref[generation][number])
            for number, generation in self.seen
            if number in reader.xref.get(generation, {})
        }
        stream = BytesIO(self.data)
        for start, end in headers:
            if start in parsed:
                continue
            self._spend(1)
            stream.seek(end)
            try:
                found = self._parse(stream)
            except _Refused as refused:
                if refused.kind != "damaged":
                    raise
                continue  # "obj" inside binary data or text: not an object
            self._walk([found], authoritative=False)

    def _parse(self, stream: BytesIO):
        try:
            return read_object(stream, self.reader)
        except RecursionError:
            raise _Refused("damaged", "nested too deeply") from None
        except Exception as error:  # noqa: BLE001 - not an object pypdf can read
            raise _Refused("damaged", f"unreadable object: {error}") from None

    # The rules ------------------------------------------------------------------------

    def _check_dictionary(self, dictionary: DictionaryObject) -> None:
        for key in dict.keys(dictionary):  # a TreeObject iterates its children instead
            reason = _FORBIDDEN_KEYS.get(_lower(key))
            if reason:
                raise _Refused("active", reason)
        action = _lower(self._value(dictionary, "/S"))
        if action in _FORBIDDEN_ACTIONS:
            raise _Refused("active", f"action {action}")
        subtype = _lower(self._value(dictionary, "/Subtype"))
        if subtype in _FORBIDDEN_SUBTYPES:
            raise _Refused("active", f"annotation {subtype}")
        kind = _lower(self._value(dictionary, "/Type"))
        if kind in _FORBIDDEN_TYPES:
            raise _Refused("active", f"object {kind}")
        if action == "/uri":
            target = "".join(str(self._value(dictionary, "/URI")).split()).lower()
            if target.startswith(_FORBIDDEN_URI_SCHEMES):
                raise _Refused("active", "script or local link")
        if "/OpenAction" in dictionary:
            self._check_open_action(self._value(dictionary, "/OpenAction"))

    def _check_open_action(self, value) -> None:
        """On opening, a reader may only go to a place in the document."""
        if value is None or isinstance(value, NullObject | ArrayObject | str | bytes):
            return  # nothing, an explicit destination, or a named one (a name or a string)
        if (
            isinstance(value, DictionaryObject)
            and _lower(self._value(value, "/S")) == "/goto"
            and "/Next" not in value
        ):
            return  # a go-to action: a destination too
        raise _Refused("active", "an action on opening")

    def _value(self, dictionary: DictionaryObject, key: str):
        """``dictionary[key]`` resolved (``/S 7 0 R`` is as good as ``/S /Launch``)."""
        value = dictionary.raw_get(key) if key in dictionary else None
        for _hop in range(8):  # a reference to a reference…
            if not isinstance(value, IndirectObject):
                return value
            value = self._resolve(value)
        raise _Refused("damaged", f"{key} refers on and on")

    def _spend(self, count: int) -> None:
        self.budget -= count
        if self.budget < 0:
            raise _Refused("uncheckable", f"more than {PDF_MAX_OBJECTS} objects")
        if time.monotonic() > self.deadline:
            raise _Refused("uncheckable", f"more than {PDF_MAX_SECONDS} seconds")


def _skip_whitespace(data: bytes, offset: int) -> int:
    while offset < len(data) and data[offset] in b"\0\t\n\f\r ":
        offset += 1
    return offset


def _lower(value) -> str:
    """A name or string value, lower-cased, with its slash (``/javascript``)."""
    if isinstance(value, NameObject):
        return value.lower()
    if isinstance(value, str):  # a string where a name belongs: read it as the name
        return "/" + value.lower()
    return ""

"""Reading a CSV file that may be anything: its encoding found, its records streamed with the
line each starts on, and every field held to a size limit — a broken file becomes a list of
problems, never an exception.

Why our own record reader rather than `csv`: the standard reader stops the whole file at the
first field over its limit (`_csv.Error`, and the rows after it are lost), counts lines at the
end of a record rather than where it starts, and lets a stray quote swallow the rest of the
file silently. This one follows RFC 4180 (quoted fields, doubled quotes, line breaks inside
quotes; a quote inside an unquoted field is kept as text, as `csv` does) one physical line at a
time, so memory stays bounded by the field limit.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, TextIO

# The standard csv module's default limit, kept as the rule: a longer field is reported.
MAX_FIELD_CHARS = 131_072
SAMPLE_BYTES = 64 * 1024

# Encodings we recognise, by the name a person knows them under.
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "cp1258": "Windows-1258",
    "text": "text",
}
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


class UnknownEncoding(ValueError):
    """The file is in none of the encodings we read (UTF-8, UTF-16, Windows-1258)."""


class BadEncoding(ValueError):
    """The file stopped being valid in its encoding at `line`."""

    def __init__(self, encoding: str, line: int) -> None:
        super().__init__(f"not valid {encoding} at line {line}")
        self.encoding = encoding
        self.line = line


@dataclass
class FieldProblem:
    """Something wrong with one field of a record (index into the record's fields)."""

    index: int
    code: str  # too_long, unclosed_quote, text_after_quote
    params: dict[str, int | str] = field(default_factory=dict)


@dataclass
class Record:
    start_line: int
    end_line: int
    fields: list[str]
    problems: list[FieldProblem] = field(default_factory=list)


def detect_encoding(head: bytes) -> str:
    """The Python codec for a file starting with `head`; raises UnknownEncoding."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if len(head) >= 4 and b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > len(odd) // 2 and even.count(0) == 0:
            return "utf-16-le"
        if even.count(0) > len(even) // 2 and odd.count(0) == 0:
            return "utf-16-be"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and error.start >= len(head) - 3:
            return "utf-8"  # the sample cut a character in two
        if _UTF8_MULTIBYTE.search(head):
            return "utf-8"  # UTF-8 with a broken byte: reported at its line while reading
    try:
        head.decode("cp1258")
    except UnicodeDecodeError:
        raise UnknownEncoding("not UTF-8, UTF-16 or Windows-1258") from None
    return "cp1258"


class _Rewound(io.RawIOBase):
    """A binary stream whose first bytes were already read (the encoding sample)."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def open_text(source: str | bytes | BinaryIO) -> tuple[TextIO, str]:
    """A text stream over `source` and the codec found (`text` for a str); raises
    UnknownEncoding. Line endings are kept as written (CR, LF or CRLF)."""
    if isinstance(source, str):
        return io.StringIO(source.removeprefix("\ufeff"), newline=""), "text"
    stream: BinaryIO = io.BytesIO(source) if isinstance(source, bytes) else source
    head = stream.read(SAMPLE_BYTES)
    encoding = detect_encoding(head)
    raw = io.BufferedReader(_Rewound(head, stream))
    # Undecodable bytes become lone surrogates, so the line they sit on can be named.
    text = io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline="")
    return text, encoding


def read_records(text: TextIO, *, max_field_chars: int = MAX_FIELD_CHARS) -> Iterator[Record]:
    """Every non-blank record of the stream, with the line it starts on. Raises BadEncoding
    when the bytes stop decoding (at that line)."""
    reader = _RecordReader(max_field_chars)
    codec = str(getattr(text, "encoding", None) or "text")
    encoding = ENCODING_NAMES.get(codec.lower(), codec)
    line_no = 0
    lines = iter(text)
    while True:
        try:
            line = next(lines)
        except StopIteration:
            break
        except UnicodeDecodeError:  # bytes surrogateescape cannot carry (UTF-16)
            raise BadEncoding(encoding, line_no + 1) from None
        line_no += 1
        if _ESCAPED_BYTE.search(line):  # a byte that did not decode, kept by surrogateescape
            raise BadEncoding(encoding, line_no)
        record = reader.feed(line, line_no)
        if record is not None and record.fields != [""]:
            yield record
    record = reader.finish(line_no)
    if record is not None:
        yield record


class _RecordReader:
    """Fields of one record, fed one physical line at a time."""

    def __init__(self, max_field_chars: int) -> None:
        self.max_field_chars = max_field_chars
        self._reset(0)

    def _reset(self, line_no: int) -> None:
        self.start_line = line_no
        self.fields: list[str] = []
        self.problems: list[FieldProblem] = []
        self.quoted: list[str] | None = None  # parts of a quoted field still open
        self.quoted_length = 0

    def _add(self, value: str) -> None:
        index = len(self.fields)
        if len(value) > self.max_field_chars:
            self.problems.append(
                FieldProblem(
                    index, "too_long", {"length": len(value), "max_length": self.max_field_chars}
                )
            )
            value = ""
        self.fields.append(value)

    def _add_quoted_part(self, part: str) -> None:
        assert self.quoted is not None
        self.quoted_length += len(part)
        if self.quoted_length <= self.max_field_chars:
            self.quoted.append(part)

    def _close_quoted(self) -> None:
        assert self.quoted is not None
        index = len(self.fields)
        if self.quoted_length > self.max_field_chars:
            self.problems.append(
                FieldProblem(
                    index,
                    "too_long",
                    {"length": self.quoted_length, "max_length": self.max_field_chars},
                )
            )
            self.fields.append("")
        else:
            self.fields.append("".join(self.quoted).replace('""', '"'))
        self.quoted = None
        self.quoted_length = 0

    def _scan_quoted(self, line: str, pos: int) -> int:
        """Consume an open quoted field from `pos`; the index after its closing quote, or -1
        when the line ends inside it."""
        while True:
            quote = line.find('"', pos)
            if quote < 0:
                self._add_quoted_part(line[pos:])
                return -1
            if line.startswith('""', quote):
                self._add_quoted_part(line[pos : quote + 2])
                pos = quote + 2
                continue
            self._add_quoted_part(line[pos:quote])
            self._close_quoted()
            return quote + 1

    def feed(self, line: str, line_no: int) -> Record | None:
        """Take one physical line (with its line break); the record when it ends here."""
        body = line.rstrip("\r\n")
        if self.quoted is None:
            self._reset(line_no)
            pos = 0
            at_field_start = True
        else:
            pos = self._scan_quoted(line, 0)
            if pos < 0:
                return None
            at_field_start = False
        while True:
            if at_field_start:
                if body.startswith('"', pos):
                    self.quoted, self.quoted_length = [], 0
                    pos = self._scan_quoted(line, pos + 1)
                    if pos < 0:
                        return None
                else:
                    comma = body.find(",", pos)
                    self._add(body[pos:] if comma < 0 else body[pos:comma])
                    if comma < 0:
                        return self._record(line_no)
                    pos = comma + 1
                    continue
            # Just after a closing quote: a comma, the end of the record, or stray text.
            if pos >= len(body):
                return self._record(line_no)
            if body[pos] != ",":
                self.problems.append(FieldProblem(len(self.fields) - 1, "text_after_quote"))
                comma = body.find(",", pos)
                if comma < 0:
                    return self._record(line_no)
                pos = comma
            pos += 1
            at_field_start = True

    def finish(self, line_no: int) -> Record | None:
        """The end of the file: a quoted field still open is reported where its record began."""
        if self.quoted is None:
            return None
        index = len(self.fields)
        self.quoted = None
        self.fields.append("")
        self.problems.append(FieldProblem(index, "unclosed_quote"))
        return self._record(line_no)

    def _record(self, line_no: int) -> Record:
        return Record(self.start_line, line_no, self.fields, self.problems)

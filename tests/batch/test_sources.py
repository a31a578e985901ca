"""``classifier.batch.sources``: decoding ``predict``'s texts and gathering them in one chunk."""

import os
import sys

import pytest

from classifier.batch.sources import decode, decode_argument, texts_chunk
from classifier.errors import DataError


def test_decode_drops_a_byte_order_mark_and_honours_the_encoding():
    assert decode("\ufeffcafé".encode(), "a.txt") == "café"
    assert decode("café".encode("latin-1"), "a.txt", "latin-1") == "café"
    assert decode(b"", "empty.txt") == ""


def test_decode_names_the_source_and_suggests_an_encoding():
    with pytest.raises(DataError, match=r"a\.txt: not UTF-8 .*at byte 3.*--encoding latin-1"):
        decode(b"caf\xe9", "a.txt")
    with pytest.raises(DataError, match="b.txt: not ascii"):
        decode(b"caf\xe9", "b.txt", "ascii")


def test_decode_refuses_an_unknown_encoding():
    with pytest.raises(DataError, match="unknown encoding 'no-such-codec'"):
        decode(b"x", "a.txt", "no-such-codec")


def test_decode_argument_leaves_ordinary_text_alone():
    assert decode_argument("Prices may rise — or not.", "argument 1") == "Prices may rise — or not."


@pytest.mark.skipif(sys.getfilesystemencoding().lower() != "utf-8",
                    reason="the shell's bytes arrive as surrogates of the UTF-8 file system")
def test_decode_argument_decodes_the_shells_undecodable_bytes():
    typed = os.fsdecode(b"caf\xe9")  # as Python receives a Latin-1 argument
    assert typed != "café" and decode_argument(typed, "argument 1", "latin-1") == "café"
    with pytest.raises(DataError, match="argument 1: not UTF-8"):
        decode_argument(typed, "argument 1")


def test_decode_argument_refuses_surrogates_that_are_not_bytes():
    with pytest.raises(DataError, match="argument 2: not valid Unicode text"):
        decode_argument("a\udcff\ud800", "argument 2")


def test_texts_chunk_orders_arguments_then_files_then_stdin(tmp_path):
    first, second = tmp_path / "one.txt", tmp_path / "two.txt"
    first.write_bytes("\ufeffOfficials said so.".encode())
    second.write_bytes("Prix élevés.".encode("latin-1"))
    chunk = texts_chunk(["Prices may rise.", ""], [first], stdin=b"From stdin.")
    assert chunk.first_row == 0 and len(chunk) == 4
    assert chunk.ids == ["1", "2", str(first), "stdin"]
    assert chunk.texts == ["Prices may rise.", "", "Officials said so.", "From stdin."]
    assert chunk.errors == [None] * 4
    latin = texts_chunk(files=[second], stdin="already text", encoding="latin-1")
    assert latin.texts == ["Prix élevés.", "already text"]
    assert len(texts_chunk()) == 0


def test_texts_chunk_keeps_the_article_text_of_a_web_page(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><script>var x = 1;</script>"
                    "<p>Police said two men were held.</p></body></html>")
    chunk = texts_chunk(files=[page])
    assert "Police said two men were held." in chunk.texts[0]
    assert "var x" not in chunk.texts[0] and "<p>" not in chunk.texts[0]
    # html=False keeps the markup; stdin is a page when its content says so
    assert "<p>" in texts_chunk(files=[page], html=False).texts[0]
    assert texts_chunk(stdin=page.read_text()).texts == texts_chunk(files=[page]).texts
    plain = "Prices rose 3% <on average> in May."
    assert texts_chunk(stdin=plain).texts == [plain]


def test_texts_chunk_says_why_a_file_cannot_be_read(tmp_path):
    with pytest.raises(DataError, match="missing.txt: no such file"):
        texts_chunk(files=[tmp_path / "missing.txt"])
    with pytest.raises(DataError, match="is a folder, expected a text file"):
        texts_chunk(files=[tmp_path])
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa")
    with pytest.raises(DataError, match="bad.txt: not UTF-8"):
        texts_chunk(files=[bad])

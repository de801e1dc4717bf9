"""A schema step that is Python, not SQL (both backends run it inside their migration's
transaction): units stored as bare `zh` get the script their Chinese is in (zh-Hant, zh-Hans),
and units whose tag already named a script get the identity every unit now has, one that does
not depend on the script subtag (tm.memory.units.pair_hash)."""

from __future__ import annotations

from tm.memory.units import pair_hash
from tm.text.langs import with_script

BATCH = 10_000


def detect_scripts(conn) -> None:
    """Re-tag and re-hash every unit in id order, a batch at a time (a million units never sit in
    memory at once). A unit whose new identity another unit already has keeps its old one: the two
    stay two units, as they were."""
    last = 0
    while True:
        rows = conn.execute(
            "SELECT id, source, target, source_lang, target_lang, pair_hash FROM units "
            "WHERE id > ? ORDER BY id LIMIT ?",
            (last, BATCH),
        ).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        changed, claimed = [], set()  # (identities this batch gives, not yet written)
        for uid, source, target, source_lang, target_lang, old_hash in rows:
            new_source_lang = with_script(source_lang, source)
            new_target_lang = with_script(target_lang, target)
            new_hash = pair_hash(new_source_lang, new_target_lang, source, target)
            if new_hash != old_hash and (new_hash in claimed or _taken(conn, new_hash)):
                new_hash = old_hash  # (zh-Hant and zh-Hans of one text, in one batch: two units still)
            claimed.add(new_hash)
            if (new_source_lang, new_target_lang, new_hash) != (source_lang, target_lang, old_hash):
                changed.append((new_source_lang, new_target_lang, new_hash, uid))
        if changed:
            conn.executemany(
                "UPDATE units SET source_lang = ?, target_lang = ?, pair_hash = ? WHERE id = ?", changed
            )


def _taken(conn, key: int) -> bool:
    return conn.execute("SELECT 1 FROM units WHERE pair_hash = ?", (key,)).fetchone() is not None

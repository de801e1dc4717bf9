"""Window embeddings pooled from sentence embeddings, against encoding the joined text."""

import numpy as np

import tm.align.embedding as embedding
from tm.align.embedding import embed, window_embeddings

ZH = [
    "外長們強調，要繼續加強安全合作。",
    "三是推動國際抗疫合作。",
    "中俄科技具有互補優勢。",
    "雙方將實施好科技創新年逾千個合作項目。",
    "上海合作組織成員國外長理事會會議在莫斯科舉行。",
]
EN = [
    "The foreign ministers stressed the need to continue strengthening security cooperation.",
    "Third, promoting international cooperation against COVID-19.",
    "China and Russia have complementary strengths in science and technology.",
    "The two sides will implement more than 1,000 cooperation projects.",
    "The SCO foreign ministers met in Moscow.",
]


def _joined(sentences, size, joiner):
    return embed([joiner.join(sentences[s : s + size]) for s in range(len(sentences) - size + 1)])


def test_single_sentences_are_the_models_own_embeddings():
    for sentences in (ZH, EN):
        pooled = window_embeddings(sentences, range(1, 2), " ")[1]
        assert np.abs(pooled - embed(sentences)).max() < 1e-5


def test_windows_agree_with_encoding_the_joined_text():
    for sentences, joiner in ((ZH, ""), (EN, " ")):
        windows = window_embeddings(sentences, range(1, 4), joiner)
        for size in (2, 3):
            exact = _joined(sentences, size, joiner)
            assert windows[size].shape == exact.shape == (len(sentences) - size + 1, 512)
            cosines = (windows[size] * exact).sum(axis=1)
            assert cosines.min() > 0.9, (size, cosines)
            assert cosines.mean() > 0.95, (size, cosines)
            # the pooled window is nearer its own joined text than any other window's
            assert (np.argmax(windows[size] @ exact.T, axis=1) == np.arange(len(exact))).all()


def test_windows_fall_back_to_joined_text_when_the_backend_differs(monkeypatch):
    def other_layout(backend, sentences, sizes):
        raise AttributeError("cnn_W")

    monkeypatch.setattr(embedding, "_pooled_windows", other_layout)
    windows = window_embeddings(EN, range(1, 3), " ")
    assert np.abs(windows[2] - _joined(EN, 2, " ")).max() < 1e-5


def test_windows_longer_than_the_text_are_empty():
    windows = window_embeddings(EN[:2], range(1, 4), " ")
    assert [len(windows[k]) for k in (1, 2, 3)] == [2, 1, 0]
    assert window_embeddings([], range(1, 3), " ")[2].shape == (0, 512)


def test_the_installed_encoder_takes_the_pooled_path():
    # a new backend layout would silently fall back to the slow joined encoding: say so here
    pooled = embedding._pooled_windows(embedding._encoder()._model, EN, range(1, 3))
    assert np.abs(pooled[1] - embed(EN)).max() < 1e-5

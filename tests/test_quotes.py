from tm.text.quotes import chinese_balances, english_balances


def test_chinese_curly_and_corner_marks():
    assert chinese_balances(["他说：“明天再来。", "我们走吧。”", "好。"]) == [1, -1, 0]
    assert chinese_balances(["她说：“这‘一带一路’不是口号。”"]) == [0]  # a nested quotation closes inside
    assert chinese_balances(["「會談很順利。", "明年再見。』"]) == [1, -1]


def test_chinese_straight_marks_alternate_through_the_document():
    # converted text often has half- or full-width straight marks, with no spaces to tell which way
    assert chinese_balances(['他说:"会谈很顺利。', '明年再见。"', '这个"新"字很重要。']) == [1, -1, 0]
    assert chinese_balances(["他说：＂好。", "走吧。＂"]) == [1, -1]


def test_english_marks_and_apostrophes():
    assert english_balances(
        [
            "'We will keep working together.",
            "We will talk again next year.'",
            "'It won't rain,' said the minister's aide.",
            '"Yes.',
            'The talks went well."',
            "He said: “Yes.” Then: ‘No.’",
            "It’s ma'am’s rock ’n roll",  # apostrophes inside words
        ]
    ) == [1, -1, 0, 1, -1, 0, 0]

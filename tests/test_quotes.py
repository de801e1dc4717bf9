from tm.quotes import chinese_balance, english_balance


def test_chinese_curly_and_corner_marks():
    assert chinese_balance("他说：“明天再来。") == 1
    assert chinese_balance("我们走吧。”") == -1
    assert chinese_balance("她说：“这‘一带一路’不是口号。”") == 0  # a nested quotation closes inside
    assert chinese_balance("「會談很順利。") == 1 and chinese_balance("明年再見。』") == -1
    assert chinese_balance('他说"好"。') == 0  # straight marks in Chinese carry no direction


def test_english_marks_and_apostrophes():
    assert english_balance("'We will keep working together.") == 1
    assert english_balance("We will talk again next year.'") == -1
    assert english_balance("'It won't rain,' said the minister's aide.") == 0
    assert english_balance('"Yes.') == 1 and english_balance('The talks went well."') == -1
    assert english_balance("He said: “Yes.” Then: ‘No.’") == 0
    assert english_balance("It’s ma'am’s rock ’n roll") == 0  # apostrophes inside words
    assert english_balance("Tomorrow, if you like.") == 0

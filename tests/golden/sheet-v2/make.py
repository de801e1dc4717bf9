"""How the files beside this one were made, with tm as it was before placeholders became ⟦1⟧
(commit 3cac4bd, review sheet format 2): the two originals, then

    tm import seeds/sample-memory.tmx --db m.db
    tm translate release.docx notes.txt -o old-sheet.xlsx --no-mt --db m.db
    tm translate release.docx notes.txt -o old.batch.xlf --no-mt --xliff-version 1.2 --db m.db

in /tmp/braces-gold (the path the sheet and the batch record; tests point it at copies)."""

import docx

document = docx.Document()
p = document.add_paragraph("我們要弘揚")
p.add_run("上海精神").bold = True
p.add_run("，加強合作。錯誤代碼{0}。")
document.add_paragraph("雙方同意。")
document.save("release.docx")
open("notes.txt", "w", encoding="utf-8").write("讀取配置時出錯：{0}\n\n共{1}個文件。\n")

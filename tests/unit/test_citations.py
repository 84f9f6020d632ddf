"""Articles split into 款 and 项 as the law numbers them; citations are labelled that way."""

from __future__ import annotations


def test_paragraphs_keep_numbered_items_with_their_kuan() -> None:
    """Numbered items (（一）…) belong to the 款 they follow, so 款 numbers match the law."""
    from wizard.model import Article
    a = Article("第三十条", "下列费用不支付:\n\n（一）甲；\n\n（二）乙。\n\n第三人不支付的，先行支付。")
    assert len(a.paragraphs()) == 2
    assert a.paragraphs()[1] == "第三人不支付的，先行支付。"
    assert a.item(1, "(二)") == "（二）乙。"
    assert a.item(None, "（三）") is None


def test_items_on_single_lines_are_found() -> None:
    """Items separated by single newlines (policy transcriptions) are found with their sub-items."""
    from wizard.model import Article
    a = Article("第八条", "办理备案。\n（一）甲：\n1。证件；\n2。表格。\n（二）乙。")
    assert a.item(None, "（一）") == "（一）甲：\n1。证件；\n2。表格。"


def test_citation_labels_use_legal_numbering(example_library) -> None:  # type: ignore[no-untyped-def]
    """Labels read 第二条第一款第（一）项, with Chinese numerals for 款."""
    from wizard.citations import chinese_number, citation_label
    from wizard.model import Citation
    c = Citation("sample-law", "第二条", 1, "（一）")
    assert citation_label(c, example_library.corpus) == "示例条例 第二条第一款第（一）项"
    assert [chinese_number(n) for n in (1, 10, 12, 20, 31)] == ["一", "十", "十二", "二十", "三十一"]

"""The small-group rule and its complement, on hand-made tables."""

from binome.insights import privacy


def test_a_group_under_five_is_hidden_and_zero_is_shown():
    assert privacy.hidden_keys({"a": 4, "b": 5, "c": 0}) == {"a"}
    assert str(privacy.count(3)) == privacy.hidden_label()
    assert str(privacy.count(0)) == "0"
    assert str(privacy.count(12)) == "12"


def test_a_lone_hidden_part_takes_the_smallest_other_part_with_it():
    # t = a + b + c: with only a hidden, t - b - c would give it away.
    hidden = privacy.hidden_keys({"a": 3, "b": 9, "c": 12, "t": 24}, [("t", "abc")])
    assert hidden == {"a", "b"}


def test_hidden_parts_that_add_up_to_under_five_are_protected_too():
    # a and b are hidden, but t - c = 4 would tell that a + b is a group of 4.
    hidden = privacy.hidden_keys(
        {"a": 1, "b": 3, "c": 8, "d": 9, "t": 21}, [("t", "abcd")]
    )
    assert hidden == {"a", "b", "c"}


def test_a_hidden_total_protects_its_parts():
    hidden = privacy.hidden_keys({"a": 2, "b": 1, "t": 3}, [("t", "ab")])
    assert hidden == {"a", "b", "t"}


def test_when_no_part_can_be_hidden_the_total_is():
    # a is hidden and the only other part is empty: hide the total.
    hidden = privacy.hidden_keys({"a": 2, "b": 0, "t": 2}, [("t", "ab")])
    assert hidden == {"a", "t"}


def test_suppression_spreads_across_rows_and_columns():
    #            x    y  | total
    #   r1       5    0  |   5
    #   r2       1    1  |   2
    #   total    6    1  |   7
    table = privacy.table(
        [("r1", "r1"), ("r2", "r2")],
        [("x", "x"), ("y", "y")],
        {("r1", "x"): 5, ("r2", "x"): 1, ("r2", "y"): 1},
    )
    assert [str(f) for f in table.cells.values()] == [
        privacy.hidden_label(),
        "0",
        privacy.hidden_label(),
        privacy.hidden_label(),
    ]
    assert table.row_totals is not None and table.col_totals is not None
    assert [str(f) for f in table.row_totals.values()] == [
        privacy.hidden_label(),
        privacy.hidden_label(),
    ]
    assert [str(f) for f in table.col_totals.values()] == [
        privacy.hidden_label(),
        privacy.hidden_label(),
    ]
    assert table.total is not None and str(table.total) == "7"
    # No published figure lets anyone solve for a hidden one: every relation
    # keeps at least two hidden members.
    assert all(
        sum(f.hidden for f in group) != 1
        for group in (
            [
                table.cells[("r1", "x")],
                table.cells[("r1", "y")],
                table.row_totals["r1"],
            ],
            [table.cells[("r1", "x")], table.cells[("r2", "x")], table.col_totals["x"]],
            [*table.row_totals.values(), table.total],
            [*table.col_totals.values(), table.total],
        )
    )


def test_means_and_shares_need_five_people():
    assert str(privacy.mean(3.14, 4)) == privacy.hidden_label()
    assert privacy.mean(3.14, 5).value == 3.1
    assert str(privacy.mean(None, 0)) == "—"
    assert str(privacy.share(2, 4)) == privacy.hidden_label()
    assert privacy.share(5, 10).number == 50
    assert privacy.share(1, 3, n=8, hidden=True).number is None


def test_a_share_that_gives_away_a_count_under_five_is_hidden():
    # « 25 % of 8 » is 2 people, and « 75 % of 8 » says that 2 did not.
    for part in (2, 6):
        figure = privacy.share(part, 8)
        assert figure.hidden and str(figure) == privacy.hidden_label()
        assert figure.value == round(100 * part / 8)  # computed, not published
    # 5 and 5: both counts reach the threshold.
    assert privacy.share(5, 10).number == 50
    # Nobody and everybody are shown, as an empty group is.
    assert privacy.share(0, 8).number == 0
    assert privacy.share(8, 8).number == 100
    # Whatever the group: 4 answers out of 40 (given by 20 people) are hidden.
    assert privacy.share(4, 40, n=20).hidden
    assert privacy.share(36, 40, n=20).hidden
    assert privacy.share(5, 40, n=20).number == 12


def test_a_complementary_hidden_figure_of_five_or_more_never_reads_under_five():
    """A cell hidden only so that a small one cannot be worked out, and a
    share hidden for its remainder, are 5 or more: « < 5 » would be false.
    Every hidden figure reads the same neutral label, which does not tell
    the small cells from the others."""
    from django.utils import translation

    from binome.insights.templatetags.insights_tags import figure

    #            x    y  | total
    #   r1      88    2  |  90   (2 is small; 88 hides it from the total)
    #   r2      40   30  |  70
    table = privacy.table(
        [("r1", "r1"), ("r2", "r2")],
        [("x", "x"), ("y", "y")],
        {("r1", "x"): 88, ("r1", "y"): 2, ("r2", "x"): 40, ("r2", "y"): 30},
    )
    small, big = table.cell("r1", "y"), table.cell("r1", "x")
    assert small.hidden and small.value == 2
    assert table.row_totals is not None
    figures = [*table.cells.values(), *table.row_totals.values()]
    hidden = [f for f in figures if f.hidden]
    assert any((f.value or 0) >= privacy.MIN_GROUP for f in hidden), table
    # « Binômes qui tiennent le rythme »: 88 of 92 pairs, 4 did not.
    rhythm = privacy.share(88, 92)
    assert rhythm.hidden and rhythm.value == 96
    for language, label in (("fr", "masqué"), ("en", "hidden")):
        with translation.override(language):
            for f in [*hidden, rhythm]:
                assert str(f) == label
                html = str(figure(f))
                assert "< 5" not in html and "&lt; 5" not in html
                assert f">{label}<" in html and 'href="#why-hidden"' in html
            # The small cell and the big one read exactly alike.
            assert str(figure(small)) == str(figure(big))
    with translation.override("fr"):
        assert "moins de 5 personnes, ou un chiffre qui permettrait" in str(figure(big))

"""The directory's compiled page (`member_directory_page`, issue 20) answers, page by page and
cursor by cursor, what `keyset_page` over `member_directory` answers: the same members, the
same order (name, then id for equal names), the same cursors, the same rules of who is seen."""

from __future__ import annotations

import pytest

from mutuals.accounts.models import User
from mutuals.accounts.selectors import DIRECTORY_KEYS, member_directory, member_directory_page
from mutuals.accounts.services import privacy_update, profile_update
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import block_create, connection_create
from mutuals.core.pagination import InvalidCursor, keyset_page

pytestmark = pytest.mark.django_db


def every_page(read, limit: int) -> list[tuple[list[int], str | None]]:
    pages, cursor = [], None
    while True:
        members, cursor = read(cursor, limit)
        pages.append(([m.pk for m in members], cursor))
        if cursor is None:
            return pages


@pytest.fixture
def community():
    viewer = make_member(name="Viewer")
    names = ["Ana Ferreira", "Ana Ferreira", "Bruno Costa", "Chen Wei", "Dara Okafor", "Eve"]
    people = [make_member(name=name) for name in names]
    profile_update(user=people[0], topics=["Agile"])
    profile_update(user=people[3], topics=["Agile", "Risk"])
    profile_update(user=people[4], topics=["Agile"])
    block_create(blocker=people[2], blocked=viewer)  # never seen by the viewer
    privacy_update(user=people[4], visibility="connections")  # seen once connected
    privacy_update(user=people[5], visibility="connections")  # never: not connected
    connection_create(member=viewer, other=people[4])
    make_member(name="Gone", is_active=False)
    return viewer, people


@pytest.mark.parametrize("limit", [1, 2, 20])
@pytest.mark.parametrize("topic", ["", "agile", "Risk", "no such topic"])
def test_the_compiled_page_is_the_querysets_page(community, limit, topic):
    viewer, people = community

    def by_queryset(cursor, limit):
        return keyset_page(
            member_directory(viewer=viewer, topic=topic),
            keys=DIRECTORY_KEYS,
            cursor=cursor,
            limit=limit,
        )

    def compiled(cursor, limit):
        return member_directory_page(viewer=viewer, topic=topic, cursor=cursor, limit=limit)

    expected = every_page(by_queryset, limit)
    assert every_page(compiled, limit) == expected
    seen = [pk for ids, _ in expected for pk in ids]
    assert people[2].pk not in seen  # blocks the viewer
    assert people[5].pk not in seen  # connections-only, not connected
    assert viewer.pk not in seen
    if topic == "":
        assert seen == [people[0].pk, people[1].pk, people[3].pk, people[4].pk]


def test_each_viewer_gets_their_own_answer_from_one_compiled_query(community):
    viewer, people = community
    blocker = people[2]
    mine = [m.pk for m in member_directory_page(viewer=viewer, cursor=None, limit=20)[0]]
    theirs = [m.pk for m in member_directory_page(viewer=blocker, cursor=None, limit=20)[0]]
    assert blocker.pk not in mine
    assert viewer.pk not in theirs
    assert blocker.pk not in theirs
    assert people[4].pk in mine  # connections-only: the viewer is connected
    assert people[4].pk not in theirs
    assert User.objects.filter(pk=people[0].pk).update(is_active=False) == 1
    assert people[0].pk not in [
        m.pk for m in member_directory_page(viewer=viewer, cursor=None, limit=20)[0]
    ]


# not base64 JSON; a list of one; an id of text; an id no bigint holds
@pytest.mark.parametrize(
    "cursor", ["nope", "WzFd", "WyJBbmEiLCAieCJd", "WyJBbmEiLCA5OTk5OTk5OTk5OTk5OTk5OTk5OV0"]
)
def test_a_made_up_cursor_is_refused(community, cursor):
    viewer, _ = community
    with pytest.raises(InvalidCursor):
        member_directory_page(viewer=viewer, cursor=cursor, limit=20)


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        ({"q": "ana"}, [0, 1]),  # both Ana Ferreiras
        ({"company": "acme"}, [0]),
        ({"location": "porto"}, [0]),
        ({"q": "ana", "topic": "agile"}, [0]),
    ],
)
def test_a_text_filter_answers_as_the_directory_queryset(community, filters, found):
    """The text filters are not compiled (patterns): the same page as the queryset's."""
    viewer, people = community
    profile_update(user=people[0], company="Acme Rail", location="Porto")

    def by_queryset(cursor, limit):
        return keyset_page(
            member_directory(viewer=viewer, **filters),
            keys=DIRECTORY_KEYS,
            cursor=cursor,
            limit=limit,
        )

    def paged(cursor, limit):
        return member_directory_page(viewer=viewer, cursor=cursor, limit=limit, **filters)

    expected = every_page(by_queryset, 1)
    assert every_page(paged, 1) == expected
    assert [pk for ids, _ in expected for pk in ids] == [people[index].pk for index in found]

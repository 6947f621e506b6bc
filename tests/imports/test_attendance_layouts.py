"""Participant reports of Zoom, Google Meet and Teams: layouts, encodings, rejoins and bad input."""

from __future__ import annotations

import codecs
import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.core.errors import DomainError
from app.imports import attendance_layouts as layouts
from app.imports.attendance import check_report
from app.imports.attendance_layouts import Stay, parse_duration, parse_report
from app.imports.attendance_people import Participant, attended_seconds, group, name_key, nip_in
from app.imports.layouts import MissingColumns
from app.imports.reading import UnreadableFile

DATA = Path(__file__).parent / "data" / "attendance"
SITI, BUDI, RINA, DEWI = (
    "198703152010012002",
    "199001012015031001",
    "198511202012012003",
    "197905202005011003",
)


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def people(content: bytes) -> list[tuple[int, str, str | None, int, float]]:
    """(first line, name, email, rows merged, minutes attended) per person."""
    return [
        (p.line, p.name, p.email, len(p.stays), round(attended_seconds(p) / 60, 2))
        for p in group(parse_report(content).stays)
    ]


def csv_bytes(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


class TestZoom:
    def test_participants_with_summary_block_rejoins_and_overlap(self) -> None:
        report = parse_report(fixture("zoom_participants.csv"))
        assert report.layout == layouts.ZOOM
        assert people(fixture("zoom_participants.csv")) == [
            (5, "BPSDM Kaltim (Host)", "zoom.bpsdm@kaltimprov.go.id", 1, 97.63),
            # Two stays 09:00:10-09:40:00 and 09:45:00-10:29:50: the five-minute gap is not counted.
            (6, "Siti Rahmawati", "siti.rahmawati@kaltimprov.go.id", 2, 84.67),
            # A laptop for 88 minutes and a phone for 20 of them: 88, not 108.
            (7, f"{BUDI} - Budi Santoso", "budi.s@gmail.com", 2, 88.0),
            (8, "Rina Marlina", "rina.marlina@kaltimprov.go.id", 1, 50.0),
            (10, "Yohanes Lawing", "yohanes.lawing@kaltimprov.go.id", 1, 90.0),
            (12, "Joko (HP)", "joko.w@yahoo.com", 1, 80.0),
            (13, f"{DEWI} Dewi Lestari", None, 1, 90.0),
            (14, "Andi", None, 1, 70.0),
        ]

    def test_stay_times_and_the_duration_column(self) -> None:
        stays = parse_report(fixture("zoom_participants.csv")).stays
        siti = stays[1]
        assert (siti.line, siti.joined, siti.left, siti.seconds) == (
            6,
            datetime(2026, 3, 10, 9, 0, 10),
            datetime(2026, 3, 10, 9, 40),
            40 * 60,
        )
        assert all(s.problem is None for s in stays)

    def test_older_export_resaved_with_semicolons_and_day_first_dates(self) -> None:
        content = fixture("zoom_participants_old_semicolon.csv")
        assert parse_report(content).layout == layouts.ZOOM
        assert people(content) == [
            # The phone row has no email; its bracketed device name is still Siti's name.
            (2, "Siti Rahmawati", "siti.rahmawati@kaltimprov.go.id", 2, 84.67),
            (4, "Rina Marlina", "rina.marlina@kaltimprov.go.id", 1, 50.0),
            (5, "19900101 201503 1 001 Budi", None, 1, 88.0),
            (6, "Joko (HP)", "joko.w@yahoo.com", 1, 80.0),
        ]
        assert parse_report(content).stays[0].joined == datetime(2026, 3, 10, 9, 0, 10)

    def test_webinar_attendee_report_reads_every_section_and_skips_absent_registrants(self) -> None:
        content = fixture("zoom_webinar_attendee.csv")
        assert parse_report(content).layout == layouts.ZOOM
        assert people(content) == [
            (7, "BPSDM Kaltim", "zoom.bpsdm@kaltimprov.go.id", 1, 97.63),
            (10, "Yohanes Lawing", "yohanes.lawing@kaltimprov.go.id", 1, 90.0),
            (13, "Siti Rahmawati", "siti.rahmawati@kaltimprov.go.id", 2, 84.67),
        ]


class TestGoogleMeet:
    def test_classic_report_sums_durations(self) -> None:
        content = fixture("meet_attendance.csv")
        assert parse_report(content).layout == layouts.MEET
        assert people(content) == [
            (2, "BPSDM Kaltim", "meet.bpsdm@kaltimprov.go.id", 1, 98.0),
            (3, "Siti Rahmawati", "siti.rahmawati@kaltimprov.go.id", 2, 85.0),
            (4, f"{BUDI} - Budi Santoso", "budi.s@gmail.com", 1, 88.0),
            (5, "Rina Marlina", "rina.marlina@kaltimprov.go.id", 1, 50.0),
            (6, "Yohanes Lawing", "yohanes.lawing@kaltimprov.go.id", 1, 90.0),
            (8, "Joko (HP)", "joko.w@yahoo.com", 1, 80.0),
            (9, f"{DEWI} Dewi Lestari", None, 1, 90.0),
            (10, "Andi", None, 1, 70.0),
        ]

    def test_first_join_and_last_exit_are_not_taken_for_one_stay(self) -> None:
        # 9:00 to 10:30 with a 45-minute total: she left and came back; the total is what counts.
        content = csv_bytes(
            "First name,Last name,Email,Duration,Time joined,Time exited\nSiti,R,s@x.id,45 min,9:00 AM,10:30 AM\n"
        )
        assert people(content) == [(2, "Siti R", "s@x.id", 1, 45.0)]

    def test_column_order_case_and_semicolons_do_not_matter(self) -> None:
        content = csv_bytes(
            "TIME EXITED;email;DURATION;last name;First Name;time joined\n10:30;s@x.id;1 hr 5 min;R;Siti;9:00\n"
        )
        report = parse_report(content)
        assert report.layout == layouts.MEET
        assert people(content) == [(2, "Siti R", "s@x.id", 1, 65.0)]

    def test_newer_layout_with_participant_columns(self) -> None:
        content = csv_bytes(
            "Participant Name,Participant Email,Duration,Time joined,Time exited\n"
            "Siti Rahmawati,Siti@X.id,1 hr,9:00 AM,10:00 AM\n"
        )
        assert parse_report(content).layout == layouts.MEET
        assert people(content) == [(2, "Siti Rahmawati", "siti@x.id", 1, 60.0)]

    def test_times_without_duration_past_midnight(self) -> None:
        content = csv_bytes("Name,Email,Time joined,Time exited\nSiti,s@x.id,11:50 PM,12:20 AM\n")
        assert people(content) == [(2, "Siti", "s@x.id", 1, 30.0)]


class TestTeams:
    def test_sectioned_utf16_report_uses_in_meeting_activities(self) -> None:
        content = fixture("teams_attendance.csv")
        assert content.startswith(codecs.BOM_UTF16_LE)
        report = parse_report(content)
        assert report.layout == layouts.TEAMS
        assert people(content) == [
            (22, "BPSDM Kaltim", "teams.bpsdm@kaltimprov.go.id", 1, 97.63),
            (23, "Siti Rahmawati", "siti.rahmawati@kaltimprov.go.id", 2, 84.67),
            # The Participants section says 1h 48m (both devices added up); the activities say 88.
            (24, f"{BUDI} - Budi Santoso (Guest)", None, 2, 88.0),
            (25, "Rina Marlina", "rina.marlina@kaltimprov.go.id", 1, 50.0),
            (27, "Yohanes Lawing", "yohanes.lawing@kaltimprov.go.id", 1, 90.0),
            (29, "Joko (External)", "joko.w@yahoo.com", 1, 80.0),
            (30, f"{DEWI} Dewi Lestari (Guest)", None, 1, 90.0),
            (31, "Andi (Guest)", None, 1, 70.0),
        ]

    @pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
    def test_same_report_as_utf8(self, bom: bytes) -> None:
        utf16 = fixture("teams_attendance.csv")
        utf8 = bom + utf16[2:].decode("utf-16-le").encode()
        assert people(utf8) == people(utf16)
        assert parse_report(utf8).layout == layouts.TEAMS

    def test_utf16_without_bom(self) -> None:
        utf16 = fixture("teams_attendance.csv")
        assert people(utf16[2:]) == people(utf16)

    def test_participants_section_alone_uses_in_meeting_duration(self) -> None:
        text = fixture("teams_attendance.csv")[2:].decode("utf-16-le")
        only_participants = text.split("3. In-Meeting Activities")[0]
        content = codecs.BOM_UTF16_LE + only_participants.encode("utf-16-le")
        assert parse_report(content).layout == layouts.TEAMS
        found = {name: minutes for _, name, _, _, minutes in people(content)}
        assert found["Siti Rahmawati"] == 84.67  # 1h 24m 40s
        assert found[f"{BUDI} - Budi Santoso (Guest)"] == 108.0  # Teams' own total, all it gives

    def test_participant_id_stands_in_for_a_missing_email(self) -> None:
        content = (
            "2. Participants\nName\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\n"
            "Siti\t3/10/26, 9:00:00 AM\t3/10/26, 10:00:00 AM\t1h\t\tSiti@Kaltimprov.go.id\tAttendee\n"
        ).encode("utf-16")
        assert people(content) == [(3, "Siti", "siti@kaltimprov.go.id", 1, 60.0)]

    def test_legacy_joined_left_rows(self) -> None:
        content = fixture("teams_legacy.csv")
        assert parse_report(content).layout == layouts.TEAMS_LEGACY
        assert people(content) == [
            (2, "BPSDM Kaltim", None, 1, 97.63),
            (3, "Yohanes Lawing", None, 1, 91.0),  # "Joined before" counts from its timestamp
            (4, f"{SITI} Siti Rahmawati", None, 2, 84.67),
            (5, f"{BUDI} - Budi Santoso", None, 2, 88.0),  # two devices at once
            (6, f"{RINA} Rina Marlina", None, 1, 50.0),
            (12, "Joko (External)", None, 1, 80.0),
        ]

    def test_legacy_unclosed_join_runs_to_the_last_timestamp_and_a_lone_leave_from_the_first(self) -> None:
        content = csv_bytes(
            "Full Name\tUser Action\tTimestamp\n"
            "Host\tJoined\t3/10/2026, 9:00:00 AM\n"
            "Siti\tJoined\t3/10/2026, 9:30:00 AM\n"
            "Budi\tLeft\t3/10/2026, 9:20:00 AM\n"
            "Host\tLeft\t3/10/2026, 10:00:00 AM\n"
        )
        assert people(content) == [
            (2, "Host", None, 1, 60.0),
            (3, "Siti", None, 1, 30.0),
            (4, "Budi", None, 1, 20.0),
        ]

    def test_legacy_unknown_action_and_bad_timestamp_are_row_problems(self) -> None:
        content = csv_bytes(
            "Full Name\tUser Action\tTimestamp\n"
            "Siti\tJoined\t3/10/2026, 9:00:00 AM\n"
            "Siti\tMuted\t3/10/2026, 9:10:00 AM\n"
            "Budi\tJoined\tyesterday\n"
            "Siti\tLeft\t3/10/2026, 10:00:00 AM\n"
        )
        stays = parse_report(content).stays
        problems = [(s.line, s.problem_code, s.problem_field) for s in stays if s.problem]
        assert problems == [(3, "invalid_action", "User Action"), (4, "invalid_time", "Timestamp")]


class TestRowProblems:
    def test_a_time_that_does_not_parse(self) -> None:
        content = csv_bytes(
            "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
            "Siti,s@x.id,03/10/2026 09:00:00 AM,03/10/2026 10:00:00 AM,60,No\n"
            "Budi,b@x.id,sometime,03/10/2026 10:00:00 AM,60,No\n"
        )
        siti, budi = parse_report(content).stays
        assert siti.problem is None
        assert (budi.problem_code, budi.problem_field) == ("invalid_time", "Join Time")
        assert budi.problem is not None and "'sometime' is not a time" in budi.problem

    def test_leave_before_join(self) -> None:
        content = csv_bytes(
            "Name,Email,Join Time,Leave Time\nSiti,s@x.id,03/10/2026 10:00:00 AM,03/10/2026 09:00:00 AM\n"
        )
        (stay,) = parse_report(content).stays
        assert (stay.problem_code, stay.problem) == ("invalid_time", "the leave time is before the join time")

    def test_a_date_that_is_not_a_calendar_day(self) -> None:
        content = csv_bytes(
            "Name,Email,Join Time,Leave Time\nSiti,s@x.id,02/30/2026 09:00,02/30/2026 10:00\n"
        )
        (stay,) = parse_report(content).stays
        assert stay.problem_code == "invalid_time"

    def test_a_duration_that_does_not_parse(self) -> None:
        content = csv_bytes(
            "First name,Last name,Email,Duration,Time joined,Time exited\nSiti,R,s@x.id,lama,,\n"
        )
        (stay,) = parse_report(content).stays
        assert (stay.problem_code, stay.problem_field) == ("invalid_duration", "Duration")

    def test_a_row_with_neither_times_nor_duration(self) -> None:
        content = csv_bytes("Name,Email,Join Time,Leave Time,Duration\nSiti,s@x.id,,,\n")
        (stay,) = parse_report(content).stays
        assert stay.problem_code == "missing_time"

    def test_a_bad_duration_is_ignored_when_the_stay_has_times(self) -> None:
        content = csv_bytes("Name,Email,Join Time,Leave Time,Duration\nSiti,s@x.id,9:00,9:30,??\n")
        (stay,) = parse_report(content).stays
        assert stay.problem is None
        assert people(content) == [(2, "Siti", "s@x.id", 1, 30.0)]


class TestValues:
    @pytest.mark.parametrize(
        ("text", "seconds"),
        [
            ("1h 5m 12s", 3912),
            ("39m 50s", 2390),
            ("12s", 12),
            ("1 hr 5 min", 3900),
            ("45 min", 2700),
            ("2 hrs", 7200),
            ("1 jam 30 menit", 5400),
            ("1h5m", 3900),
            ("98", 5880),
            ("1,5", 90),
            ("01:05:12", 3912),
            ("1:05", 3900),
            ("< 1 min", 60),
        ],
    )
    def test_durations(self, text: str, seconds: int) -> None:
        assert parse_duration(text) == seconds

    @pytest.mark.parametrize("text", ["", "lama", "1 fortnight", "-5", "5 min extra", "NaN"])
    def test_bad_durations(self, text: str) -> None:
        with pytest.raises(ValueError):
            parse_duration(text)

    @pytest.mark.parametrize(
        ("join", "leave", "minutes"),
        [
            ("12:05 AM", "12:35 AM", 30.0),
            ("11:45 AM", "12:15 PM", 30.0),
            ("2026-03-10 09:00:00", "2026-03-10T09:45:30Z", 45.5),
            ("10.03.2026 09.00.00", "10.03.2026 10.00.00", 60.0),
            ("13/03/2026 23:50", "14/03/2026 00:10", 20.0),
            ("9:00 a.m. WIB", "9:15 a.m. WIB", 15.0),
        ],
    )
    def test_times(self, join: str, leave: str, minutes: float) -> None:
        content = csv_bytes(f"Name,Email,Join Time,Leave Time\nSiti,s@x.id,{join},{leave}\n")
        assert people(content) == [(2, "Siti", "s@x.id", 1, minutes)]

    def test_day_first_is_decided_for_the_whole_file(self) -> None:
        # 03/04 alone could be either order; 13/04 in another row settles it (4 March, not 3 April).
        content = csv_bytes(
            "Name,Email,Join Time,Leave Time\n"
            "Siti,s@x.id,03/04/2026 23:30,04/04/2026 00:30\n"
            "Budi,b@x.id,13/04/2026 09:00,13/04/2026 09:30\n"
        )
        siti = parse_report(content).stays[0]
        assert (siti.joined, siti.left) == (datetime(2026, 4, 3, 23, 30), datetime(2026, 4, 4, 0, 30))

    @pytest.mark.parametrize("hour", ["13:00 PM", "25:00", "9:61"])
    def test_impossible_clock_times(self, hour: str) -> None:
        content = csv_bytes(f"Name,Email,Join Time,Leave Time\nSiti,s@x.id,{hour},23:00\n")
        assert parse_report(content).stays[0].problem_code == "invalid_time"


class TestPeople:
    @pytest.mark.parametrize(
        ("name", "nip"),
        [
            (f"{SITI} - Siti Rahmawati", SITI),
            ("Siti Rahmawati (19870315 201001 2 002)", SITI),
            ("NIP.19870315.201001.2.002 Siti", SITI),
            (f"Siti_{SITI}", SITI),
            ("Siti Rahmawati", None),
            (f"{SITI}9 Siti", None),  # 19 digits is not a NIP
            ("0812 3456 7890 Siti", None),
        ],
    )
    def test_nip_in_display_name(self, name: str, nip: str | None) -> None:
        assert nip_in(name) == nip

    @pytest.mark.parametrize(
        ("a", "b"),
        [
            ("Siti Rahmawati", "  siti   RAHMAWATI "),
            ("Siti Rahmawati (iPhone)", "Siti Rahmawati"),
            ("Andi (Guest)", "andi"),
            ("Sïti Rähmawati", "Siti Rahmawati"),
        ],
    )
    def test_same_name(self, a: str, b: str) -> None:
        assert name_key(a) == name_key(b)

    def test_nameless_rows_join_the_one_emailed_person_of_that_name(self) -> None:
        stays = [
            Stay(2, "Siti Rahmawati", "s@x.id", seconds=600),
            Stay(3, "Siti Rahmawati (HP)", None, seconds=300),
            Stay(4, "Andi", None, seconds=60),
            Stay(5, "andi", None, seconds=60),
        ]
        assert [(p.line, [s.line for s in p.stays]) for p in group(stays)] == [(2, [2, 3]), (4, [4, 5])]

    def test_a_name_two_emailed_people_share_stays_on_its_own(self) -> None:
        stays = [
            Stay(2, "Andi", "a1@x.id", seconds=600),
            Stay(3, "Andi", "a2@x.id", seconds=600),
            Stay(4, "Andi", None, seconds=60),
        ]
        assert [[s.line for s in p.stays] for p in group(stays)] == [[2], [3], [4]]

    def test_union_of_stays(self) -> None:
        def at(h: int, m: int) -> datetime:
            return datetime(2026, 3, 10, h, m)

        person = Participant(
            [
                Stay(2, "S", None, joined=at(9, 0), left=at(9, 30)),
                Stay(3, "S", None, joined=at(9, 10), left=at(9, 20)),  # inside the first
                Stay(4, "S", None, joined=at(9, 25), left=at(9, 50)),  # overlaps its end
                Stay(5, "S", None, joined=at(9, 50), left=at(10, 0)),  # adjacent
                Stay(6, "S", None, joined=at(10, 30), left=at(10, 40)),  # after a gap
                Stay(7, "S", None, seconds=300),  # a duration without times is added
            ]
        )
        assert attended_seconds(person) == (60 + 10 + 5) * 60


class TestXlsx:
    def test_a_report_saved_as_a_workbook(self) -> None:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)"])
        sheet.append(["Siti", "s@x.id", datetime(2026, 3, 10, 9, 0), datetime(2026, 3, 10, 9, 40), 40])
        sheet.append(["Siti", "s@x.id", datetime(2026, 3, 10, 9, 45), datetime(2026, 3, 10, 10, 30), 45])
        buffer = io.BytesIO()
        book.save(buffer)
        content = buffer.getvalue()
        assert parse_report(content).layout == layouts.ZOOM
        assert people(content) == [(2, "Siti", "s@x.id", 2, 85.0)]


class TestBadFiles:
    @pytest.mark.parametrize(
        ("content", "code"),
        [
            (b"", "unreadable_file"),
            (b"  \r\n\r\n", "unreadable_file"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)), "unreadable_file"),
            (b"PK\x03\x04" + b"\x00" * 40, "unreadable_file"),
            (codecs.BOM_UTF8 + b"\xff\xfe\xfa", "unreadable_file"),
            (csv_bytes("NIP,Nama,Jabatan\n198703152010012002,Siti,Analis\n"), "unknown_layout"),
            (csv_bytes("Meeting ID,Topic,Start Time\n1,Webinar,03/10/2026 09:00 AM\n"), "unknown_layout"),
            (csv_bytes("Name (Original Name),User Email,Guest\nSiti,s@x.id,No\n"), "missing_columns"),
            (
                csv_bytes("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"),
                "unreadable_file",
            ),
            (b'Name,Email,Join Time,Leave Time\n"' + b"a" * 200_000 + b'"\n', "unreadable_file"),
        ],
    )
    def test_rejected_with_the_supported_layouts(self, content: bytes, code: str) -> None:
        with pytest.raises(DomainError) as caught:
            check_report(content)
        assert (caught.value.status, caught.value.code) == (422, code)
        if code != "unreadable_file":
            assert "Zoom" in caught.value.detail and "Microsoft Teams" in caught.value.detail

    def test_unknown_layout_names_what_is_supported(self) -> None:
        with pytest.raises(layouts.UnknownLayout) as caught:
            check_report(b"hello,world\n1,2\n")
        for vendor in ("Zoom", "Google Meet", "Microsoft Teams"):
            assert vendor in caught.value.detail

    def test_missing_columns_names_the_columns_found(self) -> None:
        with pytest.raises(MissingColumns) as caught:
            check_report(csv_bytes("Name (Original Name),User Email,Guest\nSiti,s@x.id,No\n"))
        assert "found: Name (Original Name), User Email" in caught.value.detail

    def test_damaged_workbook(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("xl/workbook.xml", "not xml")
        with pytest.raises(UnreadableFile):
            check_report(buffer.getvalue())

    @pytest.mark.parametrize(
        "name",
        [
            "zoom_participants.csv",
            "zoom_participants_old_semicolon.csv",
            "zoom_webinar_attendee.csv",
            "meet_attendance.csv",
            "teams_attendance.csv",
            "teams_legacy.csv",
        ],
    )
    def test_every_fixture_passes(self, name: str) -> None:
        check_report(fixture(name))

"""Whose submission a file is (simcheck.students): student_of, student_id, short_name,
submission_label."""

from __future__ import annotations

import pytest

from simcheck.students import named_students, short_name, student_id, student_of, submission_label


@pytest.mark.parametrize(
    "doc_id, student",
    [
        ("Ada Lovelace_111_assignsubmission_file_/essay.docx", "Ada Lovelace"),  # Moodle, in folders
        ("Ada Lovelace_111_assignsubmission_file_work.zip/essay.txt", "Ada Lovelace"),  # a zip handed in
        ("lovelaceada_12345_67890_work.zip/essay.txt", "lovelaceada"),  # Canvas
        ("Ada Lovelace/drafts/one.txt", "Ada Lovelace"),
        ("essay-ada.txt", "essay-ada"),
    ],
)
def test_student_of_folders_and_zips_handed_in(doc_id: str, student: str) -> None:
    from simcheck.students import student_of

    assert student_of(doc_id) == student


@pytest.mark.parametrize(
    "doc_id, student",
    [
        ("Ada Lovelace_123456_assignsubmission_file_essay.docx", "Ada Lovelace"),  # Moodle
        ("Ada Lovelace_111_assignsubmission_onlinetext_onlinetext.html", "Ada Lovelace"),  # typed in
        ("lovelaceada_12345_67890_essay.docx", "lovelaceada"),  # Canvas
        ("late_lovelaceada_12345_67890_essay.docx", "lovelaceada"),  # Canvas, late
        ("lovelaceada_late_12345_67890_essay.docx", "lovelaceada"),
        ("Ada Lovelace/draft.txt", "Ada Lovelace"),  # a folder per student
        ("essay", "essay"),
        ("essays_2024_final.txt", "essays_2024_final"),  # digits alone are no platform's name
    ],
)
def test_student_of_platform_names(doc_id: str, student: str) -> None:
    assert student_of(doc_id) == student


@pytest.mark.parametrize(
    "doc_id",
    [
        "late_lovelaceada_12345_67890_essay.docx",
        "LATE_lovelaceada_12345_67890_essay.docx",
        "lovelaceada_late_12345_67890_essay.docx",
        "lovelaceada_LATE_12345_67890_essay.docx",
        "lovelaceada_Late_12345_67890_essay.docx",
    ],
)
def test_canvas_late_marker_in_any_case(doc_id: str) -> None:
    # Canvas marks a late file "late" or "LATE" (issue 19, point 7). Read case-sensitively, an
    # upper-case one left the file unrecognised: no ID, the prefix kept in the name, and
    # the student's on-time and late files taken for two students.
    assert (student_of(doc_id), student_id(doc_id), short_name(doc_id)) == (
        "lovelaceada",
        "12345",
        "essay.docx",
    )
    on_time = "lovelaceada_12345_67891_draft.docx"
    assert named_students([doc_id, on_time], {"12345": "Ada Lovelace"}) == {
        doc_id: "Ada Lovelace",
        on_time: "Ada Lovelace",
    }


@pytest.mark.parametrize(
    "path, short",
    [
        ("Ada Lovelace_111_assignsubmission_file_essay.txt", "essay.txt"),
        ("Ada Lovelace_111_assignsubmission_onlinetext_onlinetext.html", "onlinetext.html"),
        ("Ada Lovelace_111_assignsubmission_file_/essay2.docx", "essay2.docx"),  # Moodle, in folders
        ("Ada Lovelace_111_assignsubmission_file_/drafts/one.txt", "drafts/one.txt"),
        ("Ada Lovelace_111_assignsubmission_file_work.zip/essay.txt", "work.zip/essay.txt"),
        ("late_lovelaceada_12345_67890_essay.docx", "essay.docx"),
        ("lovelaceada_12345_67890_work.zip/essay.txt", "work.zip/essay.txt"),
        ("Ada/drafts/one.txt", "drafts/one.txt"),  # the student's folder goes
        ("essay-ada.txt", "essay-ada.txt"),
        ("Ada Lovelace_111_assignsubmission_file_", "Ada Lovelace_111_assignsubmission_file_"),
        ("", ""),
    ],
)
def test_short_name_drops_the_students_folder_and_the_platforms_prefix(path: str, short: str) -> None:
    assert short_name(path) == short


@pytest.mark.parametrize(
    "student, path, label",
    [
        ("Ada Lovelace", "Ada Lovelace_1_assignsubmission_file_essay.txt", "Ada Lovelace (essay.txt)"),
        (
            "Ada Lovelace",
            "Ada Lovelace_1_assignsubmission_file_/drafts/one.txt",
            "Ada Lovelace (drafts/one.txt)",
        ),
        ("lovelaceada", "late_lovelaceada_12345_67890_essay.docx", "lovelaceada (essay.docx)"),
        ("Ada", "Ada/draft.txt", "Ada (draft.txt)"),
        ("", "essay.txt", "essay.txt"),  # no student: the file alone
        ("essay", "essay", "essay"),  # the student is the file: named once
    ],
)
def test_submission_label_names_the_student_and_the_file(student: str, path: str, label: str) -> None:
    assert submission_label(student, path) == label


def test_a_label_is_made_from_the_names_student_of_gives() -> None:
    files = [
        "Ada Lovelace_111_assignsubmission_file_essay.txt",
        "Bob Smith_222_assignsubmission_file_/essay2.docx",
        "lovelaceada_12345_67890_work.zip/essay.txt",
        "Cy Young/final.md",
    ]
    assert [submission_label(student_of(f), f) for f in files] == [
        "Ada Lovelace (essay.txt)",
        "Bob Smith (essay2.docx)",
        "lovelaceada (work.zip/essay.txt)",
        "Cy Young (final.md)",
    ]


def test_a_class_zipped_as_one_folder_is_not_one_student() -> None:
    from simcheck.students import students_of

    flat = ["class/martínezjosé_12503_88891_essay.txt", "class/lovelaceada_7000_90000_essay.txt"]
    assert set(students_of(flat).values()) == {"martínezjosé", "lovelaceada"}
    moodle = ["Ada Lovelace_1_assignsubmission_file_/a.txt", "Ada Lovelace_1_assignsubmission_file_/b.txt"]
    assert set(students_of(moodle).values()) == {"Ada Lovelace"}  # a platform's folder is a student's

"""Whose submission a file is (simcheck.students): student_of, short_name, submission_label."""

from __future__ import annotations

import pytest


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

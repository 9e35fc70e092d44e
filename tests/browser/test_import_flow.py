from __future__ import annotations

import pytest

from tandem.people.models import Person
from tests.factories import DepartmentFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "employee_id,full_name,email,department_code\n"


def test_hr_uploads_a_file_sees_the_bad_row_fixes_it_and_imports(page, sign_in, tmp_path):
    DepartmentFactory(code="LOG", name="Logistics")
    PersonFactory(user=UserFactory(username="hr", groups=["hr_admin"]))
    before = Person.objects.count()
    bad = tmp_path / "people.csv"
    bad.write_text(HEADER + "X1,Ann Lee,ann@example.com,LOG\nX2,Bo Chen,not-an-email,LOG\n", encoding="utf-8")
    sign_in("hr")
    page.goto("/imports/")
    page.select_option("select[name=kind]", "people")
    page.set_input_files("input[name=file]", str(bad))
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_selector("text=nothing was written")
    row = page.locator("tbody tr", has_text="not-an-email")
    assert row.locator("td").first.inner_text() == "3"  # the header is row 1
    assert "email" in row.inner_text()
    assert Person.objects.count() == before
    good = tmp_path / "people-fixed.csv"
    good.write_text(HEADER + "X1,Ann Lee,ann@example.com,LOG\nX2,Bo Chen,bo@example.com,LOG\n", encoding="utf-8")
    page.goto("/imports/")
    page.select_option("select[name=kind]", "people")
    page.set_input_files("input[name=file]", str(good))
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_selector(".figure >> text=created")
    assert Person.objects.filter(employee_id__in=["X1", "X2"]).count() == 2

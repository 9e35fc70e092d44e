"""HR imports an HRIS export that is not in Tandem's columns: maps its columns once, saves the
mapping, imports; the next export reuses the mapping (issue 14 §5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem.people.models import ImportMapping, Person
from tests.factories import DepartmentFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

IBM = Path(__file__).resolve().parent.parent / "data" / "ibm-hr-attrition-30.csv"


def test_hr_maps_an_hris_export_saves_the_mapping_imports_and_reuses_it(page, sign_in):
    DepartmentFactory(code="RND", name="Research")
    DepartmentFactory(code="SALES", name="Sales")
    PersonFactory(user=UserFactory(username="hr", groups=["hr_admin"]))
    sign_in("hr")

    # the export as it is: column-level errors, a pointer to the mappings, nothing written
    page.goto("/imports/")
    page.select_option("select[name=kind]", "people")
    page.set_input_files("input[name=file]", str(IBM))
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_selector("text=nothing was written")
    assert page.locator("tbody tr", has_text="Column mappings").count() == 1
    assert not Person.objects.filter(employee_id="1").exists()

    # map its columns from a sample
    page.goto("/imports/")
    page.click("text=Map the columns of another system's file")
    page.fill("input[name=name]", "IBM HRIS")
    page.select_option("select[name=kind]", "people")
    page.set_input_files("input[name=file]", str(IBM))
    page.click("text=Read its columns")
    page.wait_for_selector("text=Map the required columns first: full_name, email.")
    assert page.input_value("select[name=source-employee_id]") == "EmployeeNumber"  # recognised
    page.fill("input[name=pattern-full_name]", "Employee {EmployeeNumber}")
    page.fill("input[name=pattern-email]", "employee{EmployeeNumber}@example.com")
    page.fill("textarea[name=values-department_code]", "Research & Development = RND")
    page.select_option("select[name=source-job_profile_code]", "")  # no job profiles in Tandem yet
    page.click("text=Save the mapping")
    page.wait_for_selector("text=Mapping saved.")
    assert page.locator("text=Map the required columns first").count() == 0

    # import with it, from the mapping's page
    page.set_input_files("section.card input[name=file]", str(IBM))
    page.click("section.card button[type=submit]")
    page.wait_for_selector(".figure >> text=created")
    assert page.locator(".figure", has_text="created").locator(".n").inner_text() == "30"
    assert Person.objects.get(employee_id="2").department.code == "RND"
    assert Person.objects.get(employee_id="1").full_name == "Employee 1"

    # the next export: choose the saved mapping on the import page; nothing changed
    mapping = ImportMapping.objects.get()
    page.goto("/imports/")
    page.select_option("select[name=kind]", "people")
    page.set_input_files("input[name=file]", str(IBM))
    page.select_option("select[name=mapping]", str(mapping.pk))
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_selector("text=Nothing changed: every row matches what is saved.")
    assert page.locator(".figure", has_text="unchanged").locator(".n").inner_text() == "30"
    assert Person.objects.filter(employee_id__in=[str(n) for n in range(1, 50)]).count() == 30

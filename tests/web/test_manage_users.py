"""Organization admins create accounts with a first role and see only their own accounts."""

from django.contrib.auth import get_user_model

from prima.organizations.models import Membership


def _add(client, world, **fields):
    data = {
        "username": "dewi",
        "email": "dewi@example.id",
        "first_name": "Dewi",
        "last_name": "",
        "password1": "Sangat-rahasia-2026",
        "password2": "Sangat-rahasia-2026",
        "organization": world.alpha.pk,
        "role": "manager",
        "unit": world.upt2.pk,
        "_save": "Save",
    }
    data.update(fields)
    return client.post("/manage/auth/user/add/", data)


def test_admin_creates_an_account_with_a_scoped_role(world):
    client = world.client("alice")
    response = _add(client, world)
    assert response.status_code == 302, response.content.decode()[:2000]
    dewi = get_user_model().objects.get(username="dewi")
    assert dewi.check_password("Sangat-rahasia-2026")
    membership = Membership.objects.get(user=dewi)
    assert (membership.organization, membership.role, membership.unit) == (
        world.alpha,
        "manager",
        world.upt2,
    )
    listing = client.get("/manage/auth/user/").content.decode()
    assert "dewi" in listing
    assert "charlie" not in listing
    assert "mallory" not in listing


def test_admin_cannot_create_accounts_in_another_tenant(world):
    response = _add(world.client("alice"), world, organization=world.beta.pk, unit="")
    assert response.status_code == 200  # the form refuses the other organization
    assert not get_user_model().objects.filter(username="dewi").exists()
    assert _add(world.client("bob"), world).status_code == 302  # redirected to the login page
    assert not get_user_model().objects.filter(username="dewi").exists()


def test_other_tenants_accounts_are_invisible(world):
    client = world.client("charlie")
    alice = world.users["alice"]
    assert client.get(f"/manage/auth/user/{alice.pk}/change/").status_code in (302, 404)
    page = client.get("/manage/organizations/membership/add/").content.decode()
    assert "alice" not in page
    assert "mallory" not in page

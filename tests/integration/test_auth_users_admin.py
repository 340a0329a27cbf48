"""Admin user management and the role/cinema checks the other services rely on."""

from __future__ import annotations

import pytest

from app.common.access import Principal, ensure_cinema_access, ensure_owner
from app.common.errors import NotFoundError, PermissionDeniedError


@pytest.fixture
def admin(factory):
    return factory.user("admin", email="root@example.test")


def test_admins_list_users_with_filters_and_pagination(client, factory, admin):
    cinema = factory.cinema()
    factory.user("staff", email="sam.usher@example.test", cinemas=[cinema])
    factory.user("customer", email="cara@example.test")
    factory.user("customer", email="old@example.test", is_active=False)

    everyone = client.get("/api/users", headers=factory.headers(admin)).json
    assert everyone["total"] == 4 and everyone["page"] == 1
    assert [u["email"] for u in everyone["items"]][0] == "old@example.test"  # newest first

    def emails(**query):
        body = client.get("/api/users", query_string=query, headers=factory.headers(admin)).json
        return sorted(u["email"] for u in body["items"])

    assert emails(role="customer", is_active="true") == ["cara@example.test"]
    assert emails(search="USHER") == ["sam.usher@example.test"]
    assert emails(search="staff") == ["sam.usher@example.test"]  # the name, "Staff <n>"
    assert emails(cinema_id=cinema.id) == ["sam.usher@example.test"]
    page = client.get("/api/users", query_string={"page": 2, "page_size": 3},
                      headers=factory.headers(admin)).json
    assert len(page["items"]) == 1 and page["pages"] == 2
    assert client.get("/api/users", query_string={"role": "king"},
                      headers=factory.headers(admin)).status_code == 422


def test_admin_assigns_role_and_cinemas_effective_on_the_next_request(client, factory, admin):
    first, second = factory.cinema(), factory.cinema()
    user = factory.user("customer")
    token_headers = factory.headers(user)
    assert client.get("/api/auth/me", headers=token_headers).json["role"] == "customer"  # now cached

    response = client.patch(f"/api/users/{user.id}", headers=factory.headers(admin),
                            json={"role": "staff", "cinema_ids": [second.id, first.id]})
    assert response.status_code == 200, response.json
    assert response.json["role"] == "staff"
    assert response.json["cinema_ids"] == sorted([first.id, second.id])
    # The same (old) token now acts as staff of those cinemas: the cached session was dropped.
    me = client.get("/api/auth/me", headers=token_headers).json
    assert me["role"] == "staff" and me["cinema_ids"] == sorted([first.id, second.id])

    narrowed = client.patch(f"/api/users/{user.id}", headers=factory.headers(admin),
                            json={"cinema_ids": [first.id]})
    assert narrowed.json["cinema_ids"] == [first.id]
    promoted = client.patch(f"/api/users/{user.id}", headers=factory.headers(admin),
                            json={"role": "admin"})
    assert promoted.json["cinema_ids"] == []  # admins act everywhere; assignments dropped


def test_cinema_assignments_are_validated(client, factory, admin):
    customer = factory.user("customer")
    staff = factory.user("staff")
    wrong_role = client.patch(f"/api/users/{customer.id}", headers=factory.headers(admin),
                              json={"cinema_ids": [factory.cinema().id]})
    assert wrong_role.status_code == 422 and wrong_role.json["reason"] == "cinemas_not_assignable"
    unknown = client.patch(f"/api/users/{staff.id}", headers=factory.headers(admin),
                           json={"cinema_ids": [999999]})
    assert unknown.status_code == 422 and "999999" in unknown.json["message"]
    empty = client.patch(f"/api/users/{staff.id}", headers=factory.headers(admin), json={})
    assert empty.status_code == 422
    missing = client.patch("/api/users/999999", headers=factory.headers(admin), json={"role": "staff"})
    assert missing.status_code == 404


def test_disabling_a_user_ends_their_sessions(client, factory, admin):
    user = factory.user("customer", email="gone@example.test")
    login = client.post("/api/auth/login", json={"email": "gone@example.test",
                                                 "password": "Correct-horse-9"}).json
    headers = {"Authorization": f"Bearer {login['access_token']}"}
    assert client.get("/api/auth/me", headers=headers).status_code == 200

    disabled = client.patch(f"/api/users/{user.id}", headers=factory.headers(admin),
                            json={"is_active": False})
    assert disabled.status_code == 200 and disabled.json["is_active"] is False
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    refresh = client.post("/api/auth/refresh", headers={"X-CSRF-TOKEN": login["refresh_csrf_token"]})
    assert refresh.status_code == 401

    client.patch(f"/api/users/{user.id}", headers=factory.headers(admin), json={"is_active": True})
    assert client.post("/api/auth/login", json={"email": "gone@example.test",
                                                "password": "Correct-horse-9"}).status_code == 200


def test_an_admin_cannot_lock_themselves_out(client, factory, admin):
    for change in ({"role": "manager"}, {"is_active": False}):
        response = client.patch(f"/api/users/{admin.id}", headers=factory.headers(admin), json=change)
        assert response.status_code == 409 and response.json["reason"] == "self_lockout"
    other_admin = factory.user("admin")
    assert client.patch(f"/api/users/{admin.id}", headers=factory.headers(other_admin),
                        json={"role": "manager"}).status_code == 200


def test_non_admins_cannot_manage_users(client, factory):
    manager = factory.user("manager")
    response = client.get("/api/users", headers=factory.headers(manager))
    assert response.status_code == 403 and response.json["reason"] == "role_not_allowed"
    assert client.patch(f"/api/users/{manager.id}", headers=factory.headers(manager),
                        json={"role": "admin"}).status_code == 403


def test_staff_act_only_at_their_cinemas_and_customers_only_on_their_own_data():
    staff = Principal(id=1, role="staff", email="s@x", is_active=True, cinema_ids=[3])
    admin = Principal(id=2, role="admin", email="a@x", is_active=True)
    customer = Principal(id=5, role="customer", email="c@x", is_active=True)
    ensure_cinema_access(staff, 3)
    ensure_cinema_access(admin, 99)
    with pytest.raises(PermissionDeniedError):
        ensure_cinema_access(staff, 4)
    with pytest.raises(PermissionDeniedError):
        ensure_cinema_access(customer, 3)
    ensure_owner(customer, 5, "Booking")
    with pytest.raises(NotFoundError):
        ensure_owner(customer, 6, "Booking")

"""Who may see and act on which complaints: admins see all, officers only their scope."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("admin", "officer")


@dataclass(frozen=True)
class Principal:
    subject: str
    role: str
    districts: frozenset[int] = frozenset()
    departments: frozenset[str] = frozenset()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can_see(self, district: int | None, department: str) -> bool:
        if self.is_admin:
            return True
        # An officer's scope is districts and/or departments; an empty part means "any".
        return (not self.districts or district in self.districts) and (
            not self.departments or department in self.departments
        )

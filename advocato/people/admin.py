from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Department, Employee, Group, Invitation, InviteImport, Location, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "is_active", "is_staff", "is_superuser", "last_login"]
    search_fields = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal = []
    list_filter = ["is_active", "is_staff", "is_superuser"]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "department", "team", "role", "is_active"]
    list_filter = ["role", "is_active", "department", "location", "language"]
    search_fields = ["name", "email", "title"]
    autocomplete_fields = ["manager", "user"]
    filter_horizontal = ["groups"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["employee", "created_at", "sent_at", "send_count", "accepted_at", "revoked_at"]
    search_fields = ["employee__email", "employee__name"]
    raw_id_fields = ["employee", "invited_by"]
    readonly_fields = ["nonce"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "department"]
    list_filter = ["department"]
    search_fields = ["name"]


admin.site.register([Department, Location, Group, InviteImport])

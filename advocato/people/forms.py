from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from advocato.lib.validators import no_control_characters, no_formula

from . import services
from .models import Department, Employee, Group, Language, Location, Role, Team, time_zone_choices
from .picker import PersonChoiceField

TEXT_VALIDATORS = [no_formula, no_control_characters]


def guard_text_fields(form: forms.BaseForm, names: list[str]) -> None:
    for name in names:
        form.fields[name].validators = [*form.fields[name].validators, *TEXT_VALIDATORS]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    department = forms.CharField(
        label=_("Department"),
        max_length=120,
        required=False,
        help_text=_("Pick one or type a new name."),
        widget=forms.TextInput(attrs={"list": "departments"}),
    )
    team = forms.CharField(
        label=_("Team"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"list": "teams"}),
    )
    location = forms.CharField(
        label=_("Location"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"list": "locations"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    manager = PersonChoiceField(
        scope="everyone",
        label=_("Manager"),
        queryset=Employee.objects.filter(is_active=True),
        required=False,
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"),
        queryset=Group.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.ADVOCATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self, ["name", "title", "department", "team", "location"])

    def clean_email(self):
        try:
            return services.check_new_email(self.cleaned_data["email"])
        except services.PeopleError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("team") and not data.get("department"):
            self.add_error("team", _("A team belongs to a department; name the department too."))
        return data


class EmployeeForm(forms.ModelForm):
    department_name = forms.CharField(
        label=_("Department"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"list": "departments"}),
    )
    team_name = forms.CharField(
        label=_("Team"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"list": "teams"}),
    )
    location_name = forms.CharField(
        label=_("Location"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"list": "locations"}),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    manager = PersonChoiceField(scope="everyone", label=_("Manager"), required=False)

    field_order = [
        "name", "title", "department_name", "team_name", "location_name",
        "language", "time_zone", "manager", "role", "groups",
    ]  # fmt: skip

    class Meta:
        model = Employee
        fields = ["name", "title", "language", "time_zone", "manager", "groups", "role"]
        widgets = {"groups": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        employee = self.instance
        guard_text_fields(self, ["name", "title", "department_name", "team_name", "location_name"])
        # The current manager stays a choice even when they have been deactivated since.
        manager = self.fields["manager"]
        assert isinstance(manager, PersonChoiceField)
        manager.queryset = Employee.objects.filter(
            Q(is_active=True) | Q(pk=employee.manager_id)
        ).exclude(pk=employee.pk)
        self.initial.setdefault(
            "department_name", employee.department.name if employee.department else ""
        )
        self.initial.setdefault("team_name", employee.team.name if employee.team else "")
        self.initial.setdefault(
            "location_name", employee.location.name if employee.location else ""
        )

    def clean_manager(self):
        manager = self.cleaned_data.get("manager")
        seen = {self.instance.pk}
        current = manager
        while current is not None:
            if current.pk in seen:
                raise forms.ValidationError(_("That would make a circle of managers."))
            seen.add(current.pk)
            current = current.manager
        return manager

    def clean_role(self):
        role = self.cleaned_data["role"]
        original = Employee.objects.filter(pk=self.instance.pk).first()
        if original is not None:
            try:
                services.check_keeps_an_admin(original, role=role, active=original.is_active)
            except services.PeopleError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return role

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("team_name") and not data.get("department_name"):
            self.add_error(
                "team_name", _("A team belongs to a department; name the department too.")
            )
        return data

    def save(self, commit=True):
        employee = super().save(commit=False)
        department = services.department_named(self.cleaned_data["department_name"].strip())
        employee.department = department
        employee.team = services.team_named(self.cleaned_data["team_name"].strip(), department)
        employee.location = services.location_named(self.cleaned_data["location_name"].strip())
        if commit:
            employee.save()
            self.save_m2m()
            services.sync_account(employee)
        return employee


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = Employee
        fields = ["name", "title", "language", "ui_language", "time_zone", "ranking"]
        labels = {"language": _("Language of the content you are offered")}
        widgets = {"ranking": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self, ["name", "title"])
        # Empty means "as the browser asks", which the list says in words, not "---------".
        ui_language = self.fields["ui_language"]
        assert isinstance(ui_language, forms.ChoiceField)
        ui_language.choices = [("", _("Same as my browser")), *Language.choices]


class CSVUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self, ["name", "description"])

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Group.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("A group with this name exists already."))
        return name


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, employee: Employee, **kwargs):
        super().__init__(*args, **kwargs)
        self.employee = employee

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            from .models import User

            probe = User(email=self.employee.email)
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


def datalists() -> dict:
    return {
        "departments": Department.objects.values_list("name", flat=True),
        "teams": Team.objects.values_list("name", flat=True).distinct(),
        "locations": Location.objects.values_list("name", flat=True),
    }

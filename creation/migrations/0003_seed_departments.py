from django.db import migrations

# R1.1: a zone's group has members from 发改, 财政, 人事, 编制 and 文化, and other departments.
DEPARTMENTS = [
    ("发改", True, 10),
    ("财政", True, 20),
    ("人事", True, 30),
    ("编制", True, 40),
    ("文化", True, 50),
    ("宣传", False, 60),
    ("教育", False, 70),
    ("民政", False, 80),
    ("其他", False, 900),
]


def seed(apps, schema_editor):
    department = apps.get_model("creation", "Department")
    for name, required, order in DEPARTMENTS:
        department.objects.get_or_create(
            name=name, defaults={"required_for_zones": required, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("creation", "0002_leadership_and_liaison")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

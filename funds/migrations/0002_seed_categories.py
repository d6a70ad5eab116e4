from django.db import migrations

# R3.1: what the central subsidy may be spent on. Editable afterwards (the office may add
# local-only categories or withdraw one from central money).
CATEGORIES = [
    ("mass_activities", "基层群众文化活动", "Grass-roots mass cultural activities.", 10),
    ("folk_culture", "优秀民族民间文化保护", "Protecting fine traditional folk culture.", 20),
    ("rural_specialities", "农村特色文化", "Rural cultural specialities.", 30),
    ("staff_training", "基层文化队伍培训", "Training grass-roots cultural staff.", 40),
    ("resource_integration", "公共文化资源整合", "Integrating public cultural resources.", 50),
    (
        "creation_work",
        "创建工作组织、新闻宣传和制度设计研究",
        "The creation work's own organisation, news publicity and institutional design.",
        60,
    ),
]


def seed(apps, schema_editor):
    category = apps.get_model("funds", "FundCategory")
    for code, name, description, order in CATEGORIES:
        category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "central_allowed": True,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_funds")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

# Inputs versus outputs (issue 12 §1): the editable suggestion rules and the default ones.
from django.db import migrations, models

METRICS = [('hours_per_month', 'Mentoring hours per pair per month'), ('sessions_per_month', 'Sessions held per pair per month'), ('cadence_kept', 'Cadence kept (share of months with a session held)'), ('resources', 'Resources shared per pair'), ('competency_gain', 'Change in rated competency level'), ('milestones_done', 'Plan milestones completed per pair'), ('satisfaction', 'Satisfaction (session feedback, 1–5)')]
OPS = [('below', 'is below'), ('at_least', 'is at least'), ('below_others', 'is below the others by at least'), ('above_others', 'is above the others by at least')]

DEFAULT_RULES = [
    # Source 002's example: enough hours, little growth -> the advice is too general.
    dict(code="low-gain-despite-hours", order=10, metric_a="hours_per_month", op_a="at_least", value_a=1.0,
         metric_b="competency_gain", op_b="below", value_b=0.3,
         text_en="Mentors spend the hours but competencies barely move: the advice may be too general. "
                 "Suggest case practice — work through a real case from the mentee's job in the next sessions.",
         text_zh_hans="导师投入了时间，但能力提升很小：辅导建议可能过于笼统。建议采用案例练习——在接下来的辅导中结合学员工作中的真实案例。",
         text_ru="Наставники тратят время, но компетенции почти не растут: советы, возможно, слишком общие. "
                 "Предложите разбор кейсов — на ближайших встречах разберите реальный случай из работы подопечного."),
    dict(code="satisfaction-below-others", order=20, metric_a="satisfaction", op_a="below_others", value_a=0.5,
         text_en="Satisfaction is clearly below the rest: ask the mentees what is missing (an anonymous survey) "
                 "and look at the mentors' load and the session cadence.",
         text_zh_hans="满意度明显低于其他群体：通过匿名问卷了解学员缺少什么，并检查导师的负担和辅导频率。",
         text_ru="Удовлетворённость заметно ниже, чем у остальных: спросите подопечных, чего не хватает "
                 "(анонимный опрос), и посмотрите на нагрузку наставников и регулярность встреч."),
    dict(code="irregular-cadence", order=30, metric_a="cadence_kept", op_a="below", value_a=0.6,
         text_en="Sessions are irregular: agree a fixed monthly slot and schedule it as a recurring series.",
         text_zh_hans="辅导不够规律：约定每月固定的时间，并设置为重复的系列日程。",
         text_ru="Встречи нерегулярны: договоритесь о постоянном ежемесячном времени и заведите повторяющуюся серию."),
    dict(code="few-resources-low-gain", order=40, metric_a="resources", op_a="below", value_a=1.0,
         metric_b="competency_gain", op_b="below", value_b=0.3,
         text_en="Few resources are shared and growth is low: recommend reading, templates or successful cases "
                 "from the library between sessions.",
         text_zh_hans="分享的资源很少且提升不足：在辅导间隙推荐资料库中的阅读材料、模板或成功案例。",
         text_ru="Материалов делятся мало, и рост невелик: рекомендуйте между встречами статьи, шаблоны "
                 "или успешные кейсы из библиотеки."),
]


def add_default_rules(apps, schema_editor):
    SuggestionRule = apps.get_model("insights", "SuggestionRule")
    for rule in DEFAULT_RULES:
        SuggestionRule.objects.get_or_create(code=rule["code"], defaults=rule)


def remove_default_rules(apps, schema_editor):
    SuggestionRule = apps.get_model("insights", "SuggestionRule")
    SuggestionRule.objects.filter(code__in=[r["code"] for r in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_outcomes")]
    operations = [
        migrations.CreateModel(
            name='SuggestionRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('code', models.SlugField(max_length=60, unique=True, verbose_name='code')),
                ('enabled', models.BooleanField(default=True, verbose_name='enabled')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('metric_a', models.CharField(choices=METRICS, max_length=30, verbose_name='first figure')),
                ('op_a', models.CharField(choices=OPS, max_length=20, verbose_name='first condition')),
                ('value_a', models.FloatField(verbose_name='first value')),
                ('metric_b', models.CharField(blank=True, choices=METRICS, max_length=30, verbose_name='second figure')),
                ('op_b', models.CharField(blank=True, choices=OPS, max_length=20, verbose_name='second condition')),
                ('value_b', models.FloatField(blank=True, null=True, verbose_name='second value')),
                ('text_en', models.TextField(max_length=1000, verbose_name='suggestion (English)')),
                ('text_zh_hans', models.TextField(blank=True, max_length=1000, verbose_name='suggestion (简体中文)')),
                ('text_ru', models.TextField(blank=True, max_length=1000, verbose_name='suggestion (Русский)')),
            ],
            options={
                'verbose_name': 'suggestion rule',
                'verbose_name_plural': 'suggestion rules',
                'ordering': ['order', 'code'],
            },
        ),
        migrations.RunPython(add_default_rules, remove_default_rules),
    ]

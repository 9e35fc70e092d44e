# Inputs versus outputs: the default rules on the two survey outputs (survey satisfaction, NPS).
from django.db import migrations

DEFAULT_RULES = [
    dict(code="nps-below-others", order=50, metric_a="nps", op_a="below_others", value_a=20.0,
         text_en="Participants here would recommend the program far less than elsewhere (NPS 20 or more below "
                 "the rest): look at the matching (do the pairs fit the mentees' goals?) and at the agreements "
                 "(were expectations, cadence and goals agreed and kept?).",
         text_zh_hans="这里的参与者推荐本项目的意愿明显低于其他群体（净推荐值低 20 分以上）：检查配对是否符合学员的目标，"
                      "以及辅导协议中的期望、频率和目标是否已约定并得到遵守。",
         text_ru="Здесь участники гораздо реже готовы рекомендовать программу, чем остальные (NPS ниже на 20 и "
                 "более): проверьте подбор пар (подходят ли они целям подопечных) и соглашения (договорились ли "
                 "об ожиданиях, регулярности встреч и целях и соблюдаются ли они)."),
    dict(code="survey-satisfaction-below-others", order=60, metric_a="survey_satisfaction", op_a="below_others",
         value_a=0.5,
         text_en="Survey satisfaction is clearly below the rest: read the survey's comments where enough people "
                 "answered, and talk with the mentors and the program team about what the participants miss.",
         text_zh_hans="问卷满意度明显低于其他群体：在回答人数足够时阅读问卷中的意见，并与导师和项目团队讨论参与者缺少什么。",
         text_ru="Удовлетворённость по опросам заметно ниже, чем у остальных: прочитайте комментарии в опросе "
                 "(где ответило достаточно людей) и обсудите с наставниками и командой программы, чего не хватает "
                 "участникам."),
]


def add_default_rules(apps, schema_editor):
    SuggestionRule = apps.get_model("insights", "SuggestionRule")
    for rule in DEFAULT_RULES:
        SuggestionRule.objects.get_or_create(code=rule["code"], defaults=rule)


def remove_default_rules(apps, schema_editor):
    SuggestionRule = apps.get_model("insights", "SuggestionRule")
    SuggestionRule.objects.filter(code__in=[r["code"] for r in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("insights", "0004_survey_outputs")]
    operations = [migrations.RunPython(add_default_rules, remove_default_rules)]

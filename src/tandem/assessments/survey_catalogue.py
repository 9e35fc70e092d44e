"""The survey templates Tandem ships (English, Chinese, Russian). Pure data: the data migration
and ``survey_services.survey_templates_install`` read it."""

from __future__ import annotations

from typing import Any


def T(en: str, zh: str, ru: str) -> dict[str, str]:
    return {"en": en, "zh-hans": zh, "ru": ru}


def Q(code: str, kind: str, text: dict[str, str], *, required: bool = True,
      choices: list[tuple[str, dict[str, str]]] | None = None) -> dict[str, Any]:
    return {"code": code, "kind": kind, "text": text, "required": required, "choices": choices or []}


AGREE = T("(1 = not at all, 5 = fully)", "(1 = 完全不同意,5 = 完全同意)", "(1 — совсем нет, 5 — полностью)")

TEMPLATES: list[dict[str, Any]] = [
    {
        "code": "participant_satisfaction", "purpose": "satisfaction", "anonymous": True, "threshold": 5,
        "name": T("Participant satisfaction", "参与者满意度", "Удовлетворённость участников"),
        "description": T("How the program worked for its participants.", "项目对参与者的效果。",
                         "Как программа сработала для участников."),
        "questions": [
            Q("overall", "scale", T("Overall, how satisfied are you with the program?", "总体而言,您对本项目满意吗?",
                                    "Насколько вы в целом довольны программой?")),
            Q("useful", "scale", T("How useful were the sessions for your work?", "辅导对您的工作有多大帮助?",
                                   "Насколько встречи были полезны для вашей работы?")),
            Q("organisation", "single", T("How was the program organised?", "项目组织得如何?",
                                          "Как была организована программа?"),
              choices=[("well", T("Well", "很好", "Хорошо")), ("ok", T("Acceptably", "一般", "Приемлемо")),
                       ("poorly", T("Poorly", "较差", "Плохо"))]),
            Q("helped", "multiple", T("What helped you most?", "什么对您帮助最大?", "Что помогло больше всего?"),
              required=False,
              choices=[("sessions", T("The sessions", "辅导会谈", "Встречи")),
                       ("plan", T("The development plan", "发展计划", "План развития")),
                       ("materials", T("The materials", "学习资料", "Материалы")),
                       ("peers", T("Other participants", "其他参与者", "Другие участники"))]),
            Q("change", "text", T("What should we change?", "我们应该改进什么?", "Что нам стоит изменить?"),
              required=False),
        ],
    },
    {
        "code": "mentor_effectiveness", "purpose": "mentor_effectiveness", "anonymous": True, "threshold": 5,
        "name": T("Mentor effectiveness", "导师有效性", "Эффективность наставника"),
        "description": T("The mentee rates the mentor. Anonymous: the mentor sees only totals of five or more "
                         "mentees.", "学员评价导师。匿名:导师只能看到五名及以上学员的汇总结果。",
                         "Подопечный оценивает наставника. Анонимно: наставник видит только итоги по пяти и "
                         "более подопечным."),
        "questions": [
            Q("listens", "scale", T("My mentor listens and understands my situation.", "我的导师倾听并理解我的处境。",
                                    "Наставник слушает и понимает мою ситуацию.")),
            Q("advice", "scale", T("My mentor's advice helps me in practice.", "导师的建议在实践中对我有帮助。",
                                   "Советы наставника помогают мне на практике.")),
            Q("available", "scale", T("My mentor is available when agreed.", "导师能按约定时间提供支持。",
                                      "Наставник доступен, когда мы договорились.")),
            Q("overall", "scale", T("Overall, how effective is your mentor?", "总体而言,您的导师有多有效?",
                                    "Насколько в целом эффективен ваш наставник?")),
            Q("comment", "text", T("Anything your mentor should hear?", "还有什么想对导师说的?",
                                   "Что ещё стоит услышать наставнику?"), required=False),
        ],
    },
    {
        "code": "program_nps", "purpose": "nps", "anonymous": True, "threshold": 5,
        "name": T("Program NPS", "项目净推荐值", "NPS программы"),
        "description": T("Would participants recommend the program?", "参与者是否会推荐本项目?",
                         "Порекомендуют ли участники программу?"),
        "questions": [
            Q("recommend", "nps", T("How likely are you to recommend this program to a colleague? (0–10)",
                                    "您向同事推荐本项目的可能性有多大?(0–10)",
                                    "Насколько вероятно, что вы порекомендуете программу коллеге? (0–10)")),
            Q("why", "text", T("What is the main reason for your score?", "您打这个分的主要原因是什么?",
                               "Главная причина вашей оценки?"), required=False),
        ],
    },
    {
        # source 001: "compare with results before the program" — answered at the start and the end
        "code": "self_perception", "purpose": "self_perception", "anonymous": False, "threshold": 5,
        "name": T("Self-perception before and after", "项目前后的自我认知", "Самооценка до и после"),
        "description": T("Answered at the start and at the end of the program, to compare.",
                         "在项目开始和结束时各填写一次,用于对比。", "Заполняется в начале и в конце программы, чтобы сравнить."),
        "questions": [
            Q("stage", "single", T("When are you answering?", "您在什么时候填写?", "Когда вы отвечаете?"),
              choices=[("before", T("At the start of the program", "项目开始时", "В начале программы")),
                       ("after", T("At the end of the program", "项目结束时", "В конце программы"))]),
            Q("confident", "scale", T("I feel confident in my role. " + AGREE["en"], "我对自己的岗位有信心。" + AGREE["zh-hans"],
                                      "Я уверенно чувствую себя в своей роли. " + AGREE["ru"])),
            Q("network", "scale", T("I know whom to ask across the company. " + AGREE["en"],
                                    "我知道在公司里该向谁请教。" + AGREE["zh-hans"],
                                    "Я знаю, к кому обратиться в компании. " + AGREE["ru"])),
            Q("strengths", "scale", T("I can name my strengths and development areas. " + AGREE["en"],
                                      "我能说出自己的优势和待发展领域。" + AGREE["zh-hans"],
                                      "Я могу назвать свои сильные стороны и зоны развития. " + AGREE["ru"])),
            Q("path", "scale", T("I see a clear path for my growth. " + AGREE["en"], "我清楚自己的成长路径。" + AGREE["zh-hans"],
                                 "Я вижу понятный путь своего роста. " + AGREE["ru"])),
        ],
    },
    {
        # source 003 (定向跟踪, 倒逼追责): the graduates rate the department they rotate in or are placed in;
        # insights/departments_selectors.py reads its "overall" question broken down by department
        "code": "department_support", "purpose": "other", "anonymous": True, "threshold": 5,
        "name": T("Department support", "用人部门支持度", "Поддержка подразделения"),
        "description": T("Graduates rate the support of the department they are in at the end of a stage.",
                         "大学生在每个阶段结束时评价所在部门的培训支持。",
                         "Выпускники оценивают поддержку своего подразделения в конце этапа."),
        "questions": [
            Q("time", "scale", T("People in my department made time for me. " + AGREE["en"],
                                 "部门的同事愿意为我花时间。" + AGREE["zh-hans"],
                                 "Коллеги в подразделении находили для меня время. " + AGREE["ru"])),
            Q("tasks", "scale", T("I was given real work to learn from. " + AGREE["en"],
                                  "部门给我安排了能学到东西的实际工作。" + AGREE["zh-hans"],
                                  "Мне давали настоящую работу, на которой можно учиться. " + AGREE["ru"])),
            Q("overall", "scale", T("Overall, how well did your department support you in this stage? (1–5)",
                                    "总体而言,本阶段所在部门对您的支持如何?(1–5)",
                                    "Насколько в целом подразделение поддерживало вас на этом этапе? (1–5)")),
            Q("comment", "text", T("What should the department do differently?", "部门应该在哪些方面改进?",
                                   "Что подразделению стоит делать иначе?"), required=False),
        ],
    },
]


def install(Template, Version, Question) -> int:
    """Create the templates that do not exist yet (version 1). Returns how many were created."""
    created = 0
    for t in TEMPLATES:
        if Template.objects.filter(code=t["code"]).exists():
            continue
        tpl = Template.objects.create(
            code=t["code"], purpose=t["purpose"], anonymous=t["anonymous"], threshold=t["threshold"],
            name=t["name"]["en"], description=t["description"]["en"],
            translations={lang: {"name": t["name"][lang], "description": t["description"][lang]}
                          for lang in ("zh-hans", "ru")},
        )
        v = Version.objects.create(template=tpl, number=1)
        for i, q in enumerate(t["questions"]):
            Question.objects.create(
                version=v, order=i, code=q["code"], kind=q["kind"], text=q["text"]["en"], required=q["required"],
                translations={lang: {"text": q["text"][lang]} for lang in ("zh-hans", "ru")},
                choices=[{"code": c, "label": lab["en"], "translations": {"zh-hans": lab["zh-hans"], "ru": lab["ru"]}}
                         for c, lab in q["choices"]],
            )
        created += 1
    return created

"""The default rules and prompts (source 002's four scenarios), in English, Chinese and Russian.

Content, not code: HR edits, disables or adds to them in the admin. The phrasing of the Chinese
texts follows source 002's examples (提问式引导, 强化式反馈, 边界式提醒); re-contracting completes
the four scenarios of issue 10 §5.
"""

from decimal import Decimal

from django.db import migrations

# situation, signal, operator, threshold, window_days, min_sample, order
RULES = [
    ("stuck", "overdue_items", ">=", Decimal(2), None, None, 10),
    ("stuck", "weeks_without_goal_progress", ">=", Decimal(3), None, None, 20),
    ("progressing", "milestones_done", ">=", Decimal(1), 30, None, 30),
    ("progressing", "mean_feedback", ">=", Decimal(4), 60, 2, 40),
    ("dependent", "items_handed_to_mentor", ">=", Decimal(2), 60, None, 50),
    ("dependent", "answer_seeking_share", ">=", Decimal(50), 30, 4, 60),
    ("disengaged", "missed_sessions", ">=", Decimal(2), 60, None, 70),
    ("disengaged", "days_since_last_message", ">=", Decimal(21), None, None, 80),
]

# code, situation, order, {language: (title, phrasings, why)}
PROMPTS = [
    ("stuck-open-questions", "stuck", 10, {
        "en": (
            "Open questions to get unstuck",
            [
                "What do you think is the core of this problem?",
                "What have you tried so far, and what happened?",
                "If this goal were easy, what would the first small step be?",
                "What is getting in the way of the overdue items: time, clarity, or something else?",
                "Which of these items still matter to you? Shall we drop or re-plan the others?",
                "What would you need from me, or from someone else, to move this forward this week?",
            ],
            "When items pile up and a goal stops moving, advice (“you should…”) tends to add pressure. "
            "Open questions hand the thinking back to the mentee, bring the real obstacle to light and "
            "lead to a next step they own.",
        ),
        "zh-hans": (
            "用提问引导，帮助走出停滞",
            [
                "你觉得这个问题的核心是什么？",
                "你尝试过哪些解决方法？结果怎么样？",
                "如果这个目标很容易实现，第一小步会是什么？",
                "是什么让这些待办事项拖延了——时间、不够清楚，还是别的原因？",
                "这些事项里哪些对你仍然重要？其余的我们要不要放弃或重新安排？",
                "这周要推进这件事，你需要我或其他人提供什么支持？",
            ],
            "当待办事项积压、目标停滞不前时，“你应该这样做”式的建议往往只会增加压力。开放式提问把思考交还给学员，"
            "帮助找到真正的障碍，并形成由学员自己负责的下一步。",
        ),
        "ru": (
            "Открытые вопросы, чтобы сдвинуться с места",
            [
                "Что, по-вашему, главное в этой проблеме?",
                "Что вы уже пробовали и что из этого вышло?",
                "Если бы эта цель давалась легко, каким был бы первый маленький шаг?",
                "Что мешает просроченным задачам: время, неясность или что-то другое?",
                "Какие из этих задач для вас ещё важны? Может, остальные отменим или перепланируем?",
                "Что вам нужно от меня или от кого-то ещё, чтобы продвинуться на этой неделе?",
            ],
            "Когда задачи копятся, а цель не движется, совет «сделайте так» обычно только добавляет давления. "
            "Открытые вопросы возвращают размышление наставляемому, помогают найти настоящее препятствие "
            "и приводят к следующему шагу, за который он отвечает сам.",
        ),
    }),
    ("progressing-reinforcing-feedback", "progressing", 20, {
        "en": (
            "Reinforcing feedback on the progress",
            [
                "Your plan fits the client's needs better than last time, especially the research part. "
                "Can you walk me through how you thought about it?",
                "You closed this milestone ahead of its date. What did you do differently this time?",
                "I noticed you tried it on your own before asking, and it worked. What will you repeat next time?",
                "What are you most proud of from the last few weeks?",
                "Building on this, what would you like to take on next?",
            ],
            "Specific praise for what the mentee did (not only “well done”) tells them which behaviour to "
            "repeat; asking about their thinking makes the success theirs and builds confidence for the "
            "next, harder step.",
        ),
        "zh-hans": (
            "用强化式反馈巩固进步",
            [
                "你这次的方案比上次更贴合客户需求，尤其是用户调研部分，能说说你的思考过程吗？",
                "这个里程碑你提前完成了，这次你做了哪些不同的尝试？",
                "我注意到你先自己尝试了再来问我——效果很好。下次你会保留哪些做法？",
                "过去几周里，你最满意的是哪一点？",
                "在这个基础上，你接下来想挑战什么？",
            ],
            "具体地肯定学员做对了什么（而不只是“做得好”），能让他们知道哪些行为值得重复；请他们讲讲思考过程，"
            "会让成功真正属于他们，并为下一步更难的目标建立信心。",
        ),
        "ru": (
            "Подкрепляющая обратная связь",
            [
                "Ваше решение в этот раз лучше учитывает потребности клиента, особенно часть с исследованием. "
                "Расскажете, как вы к нему пришли?",
                "Вы закрыли этот этап раньше срока. Что вы сделали иначе на этот раз?",
                "Вы сначала попробовали сами и только потом спросили, и это сработало. Что из этого вы повторите?",
                "Чем вы больше всего гордитесь за последние недели?",
                "Какую следующую, более сложную задачу вы хотели бы взять, опираясь на это?",
            ],
            "Конкретная похвала за то, что сделал наставляемый (а не просто «молодец»), показывает, какое "
            "поведение стоит повторять; вопрос о ходе мысли делает успех его собственным и даёт уверенность "
            "для следующего, более трудного шага.",
        ),
    }),
    ("dependent-boundaries", "dependent", 30, {
        "en": (
            "Setting a boundary: the mentee's thinking first",
            [
                "You can try this one on your own first; if you need me, I can help you think it through, "
                "but I won't give you the answer.",
                "Before I share my view: what options do you see, and which one would you pick?",
                "This item is yours, so let's keep it with you. What would help you get it done?",
                "Bring me your first draft, however rough, and we'll look at it together.",
                "What would you do if I weren't available this week?",
            ],
            "When the mentee's items keep ending up with the mentor, or they ask for answers rather than "
            "trying, mentoring turns into doing their work for them. A clear, friendly boundary keeps the "
            "ownership with the mentee and the mentor's support on offer.",
        ),
        "zh-hans": (
            "设定边界：先自己思考",
            [
                "这个问题你可以先尝试自己解决，有需要的话我可以帮你分析思路，但不会直接给答案。",
                "在我说我的看法之前：你看到了哪些选项？你会选哪一个？",
                "这项任务是你的，我们还是让它留在你这里。要完成它，你需要什么帮助？",
                "先把你的初稿带来，哪怕很粗糙，我们一起来看。",
                "如果这周我不在，你会怎么做？",
            ],
            "当学员的任务总是转到导师手里，或者学员总是要答案而不去尝试时，辅导就变成了“代劳”。"
            "清晰而友善的边界能让任务的责任留在学员身上，同时导师的支持依然在。",
        ),
        "ru": (
            "Граница: сначала решение наставляемого",
            [
                "Попробуйте сначала решить это сами; если понадобится, я помогу разобрать ход мысли, "
                "но готового ответа не дам.",
                "Прежде чем я скажу своё мнение: какие варианты вы видите и какой выбрали бы?",
                "Эта задача ваша, давайте оставим её за вами. Что поможет вам её сделать?",
                "Принесите первый черновик, пусть даже сырой, и посмотрим вместе.",
                "Что бы вы сделали, если бы на этой неделе меня не было?",
            ],
            "Когда задачи наставляемого раз за разом переходят к наставнику или он просит ответы, а не "
            "пробует сам, наставничество превращается в работу за него. Ясная и доброжелательная граница "
            "оставляет ответственность за наставляемым, а поддержку наставника доступной.",
        ),
    }),
    ("disengaged-recontracting", "disengaged", 40, {
        "en": (
            "Re-contracting: agree again on how you work together",
            [
                "We have missed a few sessions lately. How is the mentoring working for you at the moment?",
                "Is what we agreed at the start (the goals, how often we meet) still right for you? "
                "What would you change?",
                "What would make our sessions worth your time right now?",
                "Would shorter or less frequent meetings fit better for the next month?",
                "What is one thing you would like to get out of our next session?",
            ],
            "Missed sessions and a quiet log usually mean the agreement no longer fits the mentee's "
            "situation, not a lack of will. Revisiting the goals, the rhythm and the format openly and "
            "without blame gives both sides a fresh, realistic commitment (or, if need be, an honest way "
            "to end early).",
        ),
        "zh-hans": (
            "重新约定：再次商定合作方式",
            [
                "最近我们错过了几次辅导。你觉得目前的辅导对你来说效果怎么样？",
                "我们一开始约定的目标和见面频率，现在还适合你吗？你想调整什么？",
                "现在怎样的辅导才值得你花时间？",
                "下个月改成时间更短或频率更低的见面，会不会更合适？",
                "下次见面时，你最想得到的一件事是什么？",
            ],
            "错过辅导、日志里长时间没有消息，往往说明当初的约定已不适合学员当前的情况，而不是缺乏意愿。"
            "坦诚、不带责备地重新商定目标、节奏和形式，能让双方形成新的、切实可行的承诺（必要时也可以坦然地提前结束）。",
        ),
        "ru": (
            "Новая договорённость о том, как работать вместе",
            [
                "В последнее время мы пропустили несколько встреч. Как для вас сейчас работает наставничество?",
                "То, о чём мы договорились вначале (цели, частота встреч), вам всё ещё подходит? "
                "Что бы вы изменили?",
                "Что сделало бы наши встречи стоящими вашего времени сейчас?",
                "Может, в ближайший месяц лучше встречаться реже или короче?",
                "Что одно вы хотели бы получить от следующей встречи?",
            ],
            "Пропущенные встречи и молчание в журнале обычно говорят о том, что договорённость перестала "
            "подходить наставляемому, а не об отсутствии желания. Открытый, без упрёков, пересмотр целей, "
            "ритма и формата даёт обеим сторонам новое, реалистичное обязательство (а при необходимости "
            "честный способ завершить досрочно).",
        ),
    }),
]


def seed(apps, schema_editor):
    PromptRule = apps.get_model("coaching", "PromptRule")
    Prompt = apps.get_model("coaching", "Prompt")
    PromptText = apps.get_model("coaching", "PromptText")
    for situation, signal, operator, threshold, window, sample, order in RULES:
        PromptRule.objects.get_or_create(
            situation=situation, signal=signal,
            defaults={"operator": operator, "threshold": threshold, "window_days": window, "min_sample": sample,
                      "order": order})
    for code, situation, order, texts in PROMPTS:
        prompt, _ = Prompt.objects.get_or_create(code=code, defaults={"situation": situation, "order": order})
        for language, (title, phrasings, why) in texts.items():
            PromptText.objects.get_or_create(prompt=prompt, language=language, defaults={
                "title": title, "phrasings": "\n".join(phrasings), "why": why})


def unseed(apps, schema_editor):
    apps.get_model("coaching", "Prompt").objects.filter(code__in=[p[0] for p in PROMPTS]).delete()
    PromptRule = apps.get_model("coaching", "PromptRule")
    for situation, signal, *_rest in RULES:
        PromptRule.objects.filter(situation=situation, signal=signal).delete()


class Migration(migrations.Migration):
    dependencies = [("coaching", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

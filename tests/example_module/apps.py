"""An example module, as docs/modules.md walks through it: the workers' library (职工书屋) lends books.

Everything it adds, it adds by registration — no edit in ``cases/``, ``urls.py``, ``api/`` or ``desk/``:
a workflow with states of its own (on loan, on hold, back, lost), a calendar-day clock started, paused
and resumed by its own steps, a late fee computed at the step that closes the loan (not "approve"),
an applicant step on /m/ (report the book lost), a section of the case page, an /m/ page, a /dash/ panel
and an /api/v1/ route. It is installed by the test settings only.
"""

from django.apps import AppConfig

LOAN_ITEM = {
    "code": "book_loan",
    "prefix": "JYTS",
    "name": "职工书屋借书",
    "module": "example_module",
    "category": "文体活动",
    "time_limit_days": 30,
    "summary": "在镇街职工书屋借阅图书，借期30天",
    "guide_who": "本市工会会员。",
    "guide_what": "每次借阅一本，借期30天；逾期每天0.10元。",
    "guide_how": "在线申请后到服务中心取书。",
    "fields": [
        {"key": "title", "label": "书名", "type": "text", "required": True, "max_length": 60},
        {"key": "isbn", "label": "ISBN", "type": "text", "required": False, "max_length": 20},
    ],
    "clocks": [{"key": "loan", "label": "借阅期限", "days": 30}],
    "workflow": "book_loan",
    "order": 200,
}


class ExampleModuleConfig(AppConfig):
    name = "tests.example_module"
    label = "example_module"
    verbose_name = "职工书屋（示例模块）"

    def ready(self):
        from gonghui.cases.catalogue import Item
        from gonghui.cases.registry import registry
        from gonghui.core import navigation, surfaces

        from .handler import LOAN_WORKFLOW, LoanHandler

        registry.workflow(LOAN_WORKFLOW)
        registry.declare(Item(**LOAN_ITEM))
        registry.attach("book_loan", LoanHandler())
        surfaces.pages("m", "library/", "tests.example_module.m_urls")
        surfaces.api_router("tests.example_module.api.router")
        surfaces.panel("library", "职工书屋", "tests.example_module.views.panel", permission="cases.view_case",
                       order=90)
        navigation.register("m", "library", "职工书屋", "example_library_m:loans", icon="✉", order=60, tab=False,
                            description="我借阅的图书")

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """Enterprises and workers: the registry every module hangs its cases on."""

    name = "gonghui.registry"
    label = "registry"
    verbose_name = "企业与职工"

    def ready(self):
        from gonghui.core import navigation, surfaces

        surfaces.pages("desk", "", "gonghui.registry.urls", order=20)
        surfaces.api_router("gonghui.registry.api.router")

        navigation.register("desk", "workers", "职工档案", "registry:worker_list", order=30,
                            permission="registry.view_worker")
        navigation.register("desk", "enterprises", "企业", "registry:enterprise_list", order=40,
                            permission="registry.view_enterprise")
        navigation.register("desk", "imports", "数据导入", "registry:import_list", order=50,
                            permission="registry.import_registry")
        navigation.register("desk", "bindings", "绑定审核", "registry:binding_list", order=55,
                            permission="registry.import_registry")
        navigation.register("desk", "corrections", "更正申请", "registry:correction_list", order=56,
                            permission="registry.import_registry")

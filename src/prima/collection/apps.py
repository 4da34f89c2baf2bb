from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "prima.collection"
    verbose_name = "Pengumpulan tanggapan"

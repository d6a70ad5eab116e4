from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from creation.models import Batch, CreationUnit, Programme, Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "province", "economic_belt"]


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "name", "kind", "province", "office_name"]


class BatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Batch
        fields = ["id", "programme", "number", "year", "cycle_start", "cycle_end"]


class UnitRegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level"]


class CreationUnitSerializer(serializers.ModelSerializer):
    region = UnitRegionSerializer(read_only=True)
    province = serializers.SerializerMethodField()
    programme = serializers.IntegerField(source="batch.programme_id", read_only=True)
    batch_number = serializers.IntegerField(source="batch.number", read_only=True)

    class Meta:
        model = CreationUnit
        fields = [
            "id",
            "name",
            "kind",
            "level",
            "status",
            "start_date",
            "host_organisation",
            "region",
            "province",
            "programme",
            "batch",
            "batch_number",
        ]

    @extend_schema_field(UnitRegionSerializer)
    def get_province(self, unit: CreationUnit) -> dict:
        return UnitRegionSerializer(unit.region.province_region).data

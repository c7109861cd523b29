from django.db import migrations

# The family's extract (LOG-1) finds the lists a child was seen in by this containment test;
# without the index its cost would grow with every list read in the county.
CREATE = (
    "CREATE INDEX audit_entry_child_list_ids ON audit_entry"
    " USING gin ((detail -> 'child_ids') jsonb_path_ops) WHERE object_type = 'child_list'"
)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunSQL(CREATE, "DROP INDEX audit_entry_child_list_ids")]

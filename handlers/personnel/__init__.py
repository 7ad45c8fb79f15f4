"""`sns-bot directory import`: April's personnel spreadsheet (人事異動) made into app.yaml's departments.

sheet.py reads the rows, staffing.py makes departments of them, changes.py says what April changes (and what
a reload will re-address), config_file.py writes the new app.yaml, report.py words the dry run.
"""

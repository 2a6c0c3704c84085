"""Reads FluxQuery exports with libraries this project did not write (Python's csv and json, and
openpyxl) and prints what they saw as JSON, for tests/e2e/other-readers.int.test.ts."""
import csv, datetime, json, sys

import openpyxl


def cell(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, int) and abs(value) > 2**53:
        return str(value)
    return value


kind, path = sys.argv[1], sys.argv[2]
if kind == 'xlsx':
    book = openpyxl.load_workbook(path)
    out = []
    for sheet in book.worksheets:
        out.append({
            'name': sheet.title,
            'freeze': sheet.freeze_panes,
            'filter': sheet.auto_filter.ref,
            'bold': [c.font.b for c in sheet[1]],
            'types': [[c.data_type for c in row] for row in sheet.iter_rows(min_row=2)],
            'rows': [[cell(c.value) for c in row] for row in sheet.iter_rows()],
        })
elif kind == 'csv':
    with open(path, newline='', encoding='utf-8-sig') as f:
        out = list(csv.reader(f, delimiter=sys.argv[3] if len(sys.argv) > 3 else ','))
else:
    with open(path, encoding='utf-8') as f:
        # parse_int=str keeps big integers as their digits, for comparison in JavaScript.
        out = [json.loads(line, parse_int=str, parse_float=str) for line in f]
print(json.dumps(out))

const { Parser } = require('node-sql-parser/build/mysql');
const p = new Parser();
for (const q of process.argv.slice(2)) {
  try {
    const r = p.parse(q, { database: 'MySQL' });
    console.log('OK ', q, JSON.stringify(r.tableList));
  } catch (e) {
    console.log('ERR', q, e.message.slice(0, 100));
  }
}

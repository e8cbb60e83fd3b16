process.stderr.write('tally cli: no commands yet\n');
process.exit(2);

// Placeholder until the sandbox lands (issue 3/4): the process exists so start:sandbox is wired.
process.stderr.write('aws-sandbox: not implemented yet\n');
process.exit(1);

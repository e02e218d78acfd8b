// `npm start` will run a local three-node ring (`ringtail cluster`) once the
// node and the cluster exist. Until then it says so plainly, instead of
// pretending to start something.
console.error(
  [
    'Ringtail cannot start a node yet.',
    'What exists so far is the storage foundation: the commit log and the injected runtime.',
    'The HTTP node (`ringtail start`) and the local ring (`ringtail cluster`) come with the',
    'query-language and cluster issues; `npm start` will run the three-node ring then.',
    'Try `npm test` or `npm run bench -- commitlog` meanwhile.',
  ].join('\n'),
);
process.exitCode = 1;

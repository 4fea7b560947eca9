// Tests state their own configuration: a developer's or CI's proxy and provider variables must not leak in
// (the emulator is on 127.0.0.1, and a machine-wide HTTP_PROXY would otherwise route the tests through it).
for (const name of Object.keys(process.env)) {
  if (/^(https?_proxy|no_proxy|all_proxy|(capsolver|twocaptcha|anticaptcha|capmonster)_.*)$/i.test(name))
    delete process.env[name]
}

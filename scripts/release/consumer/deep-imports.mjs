// Every specifier in argv[2] (a JSON array) must be refused by the package's exports map; every one in
// argv[3] must load. Prints one line per surprise and exits 1 if there was any.
const refused = JSON.parse(process.argv[2] ?? "[]")
const allowed = JSON.parse(process.argv[3] ?? "[]")
const surprises = []

for (const specifier of refused) {
  try {
    await import(specifier)
    surprises.push(`${specifier} loaded, but it is not a public entry point`)
  } catch (error) {
    const code = error?.code
    if (code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") {
      surprises.push(`${specifier} failed with ${code ?? error}, expected ERR_PACKAGE_PATH_NOT_EXPORTED`)
    }
  }
}
for (const specifier of allowed) {
  try {
    await import(specifier)
  } catch (error) {
    surprises.push(`${specifier} is public but failed to load: ${error?.message ?? error}`)
  }
}
for (const line of surprises) console.log(line)
console.log(`deep imports: ${refused.length} refused as expected, ${allowed.length} public entry points load`)
process.exit(surprises.length === 0 ? 0 : 1)

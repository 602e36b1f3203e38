#!/usr/bin/env node
// The launcher is bin/codeploy.cjs (package.json "bin"; issue 26). This name
// stays for what links to it from before, such as the folder npx keeps for a
// checkout where `npx codeploy` ran earlier.
import "./codeploy.cjs";

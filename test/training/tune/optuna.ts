// Where the tune tests find Optuna: Debian's, for the system Python.
import { pythonFinds } from '../../helpers/python-finds';

export const PYTHON = '/usr/bin/python3';

/**
 * For `describe(name, { skip: noOptuna }, ...)`: a visible reason when PYTHON has no Optuna.
 * Found, not imported: importing Optuna takes a Python 0.3 s of CPU and this runs as the file
 * loads; an Optuna that is found but broken fails the tests that use it, as it should.
 */
export const noOptuna: string | false = pythonFinds(PYTHON, 'optuna')
  ? false
  : `no Optuna for ${PYTHON} (apt-get install python3-optuna)`;

package live

import (
	"os/user"

	"confconsole/model"
)

// Operator is who submits an action. The SSH server fills it from the key
// that authenticated the session, never from anything the client sends; the
// local console fills it from the OS user (LocalOperator).
type Operator struct {
	Name        string // the operator's name: the key's comment, or the OS user
	Fingerprint string // the SSH key's SHA256 fingerprint; empty locally
	SSHUser     string // the user name the SSH client asked for; empty locally
}

// String is the name events and errors use: Name, else the SSH user, else
// "someone". It has been through model.InertN, so it is safe to print.
func (o Operator) String() string {
	name := o.Name
	if name == "" {
		name = o.SSHUser
	}
	if name == "" {
		return "someone"
	}
	return model.InertN(name, 64)
}

// LocalOperator is the operator of a console run from a local shell: the OS
// user running it (or "someone" when the system cannot say).
func LocalOperator() Operator {
	u, err := user.Current()
	if err != nil {
		return Operator{}
	}
	return Operator{Name: u.Username}
}

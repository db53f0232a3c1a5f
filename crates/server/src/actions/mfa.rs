//! CreateVirtualMFADevice, EnableMFADevice, DeactivateMFADevice, ResyncMFADevice,
//! ListMFADevices, ListVirtualMFADevices, DeleteVirtualMFADevice.

use credreport_iam::model::Owner;
use credreport_iam::Assignment;

use super::{page_end, user_xml, Ctx};
use crate::error::AwsError;
use crate::xml::Xml;

fn serial<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    ctx.params.required("SerialNumber", "serialNumber")
}

fn codes<'a>(ctx: &'a Ctx<'_>) -> Result<(&'a str, &'a str), AwsError> {
    Ok((
        ctx.params
            .required("AuthenticationCode1", "authenticationCode1")?,
        ctx.params
            .required("AuthenticationCode2", "authenticationCode2")?,
    ))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateVirtualMFADevice.html
pub(crate) fn create_virtual(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = ctx
        .params
        .required("VirtualMFADeviceName", "virtualMFADeviceName")?;
    let path = ctx.params.optional("Path");
    let new = ctx.ops.create_virtual_mfa_device(path, name)?;
    let mut x = Xml::new();
    x.node("VirtualMFADevice", |x| {
        // Both are blobs on the wire: the seed is its Base32 text, base64-encoded.
        x.leaf("SerialNumber", &new.device.serial)
            .blob("Base32StringSeed", new.base32_seed.expose())
            .blob("QRCodePNG", &new.qr_png);
    });
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_EnableMFADevice.html
pub(crate) fn enable(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (serial, (c1, c2)) = (serial(ctx)?, codes(ctx)?);
    ctx.ops
        .enable_mfa_device(ctx.user_or_caller(), serial, (c1, c2))?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeactivateMFADevice.html
pub(crate) fn deactivate(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let serial = serial(ctx)?;
    ctx.ops
        .deactivate_mfa_device(ctx.user_or_caller(), serial)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ResyncMFADevice.html
pub(crate) fn resync(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (serial, (c1, c2)) = (serial(ctx)?, codes(ctx)?);
    ctx.ops
        .resync_mfa_device(ctx.user_or_caller(), serial, (c1, c2))?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListMFADevices.html
pub(crate) fn list(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.params.max_items()?;
    let (target, devices) = ctx.ops.list_mfa_devices(ctx.user_or_caller())?;
    let mut x = Xml::new();
    x.list("MFADevices", &devices, |x, d| {
        x.leaf("UserName", target.name())
            .leaf("SerialNumber", &d.serial);
        if let Some((_, enabled)) = &d.assignment {
            x.time("EnableDate", *enabled);
        }
    });
    page_end(&mut x, None);
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListVirtualMFADevices.html
pub(crate) fn list_virtual(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.params.max_items()?;
    let filter = match ctx.params.optional("AssignmentStatus") {
        None | Some("Any") => Assignment::Any,
        Some("Assigned") => Assignment::Assigned,
        Some("Unassigned") => Assignment::Unassigned,
        Some(_) => {
            return Err(AwsError::validation(
                "1 validation error detected: Value at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Unassigned, Any, Assigned]",
            ))
        }
    };
    let (devices, account) = ctx.ops.list_virtual_mfa_devices(filter)?;
    let mut x = Xml::new();
    x.list("VirtualMFADevices", &devices, |x, (d, user)| {
        x.leaf("SerialNumber", &d.serial);
        match (&d.assignment, user) {
            (Some(_), Some(u)) => {
                x.node("User", |x| user_xml(x, u));
            }
            (Some((Owner::Root, _)), None) => {
                x.node("User", |x| {
                    x.leaf("Path", "/")
                        .leaf("UserName", "root")
                        .leaf("UserId", account.id.as_str())
                        .leaf("Arn", &account.id.root_arn())
                        .time("CreateDate", account.created);
                });
            }
            _ => {}
        }
        if let Some((_, enabled)) = &d.assignment {
            x.time("EnableDate", *enabled);
        }
    });
    page_end(&mut x, None);
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteVirtualMFADevice.html
pub(crate) fn delete_virtual(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let serial = serial(ctx)?;
    ctx.ops.delete_virtual_mfa_device(serial)?;
    Ok(None)
}
